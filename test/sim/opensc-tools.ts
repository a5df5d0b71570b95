import type { ExecutionContext } from 'ava';
import { runTool, type ToolResult } from '../helpers/vpcd.ts';

/**
 * OpenSC command lines for the acceptance test against the simulator behind pcscd: every call is
 * logged (command and output) and asserted to exit 0 unless the caller expects a failure.
 */

export const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
export const SO_PIN = '3537363231383830';
export const USER_PIN = '648219';

export interface Tools {
  run(program: string, args: readonly string[], expectOk?: boolean): Promise<ToolResult>;
  /** pkcs11-tool bound to the virtual reader's slot. */
  pkcs11(args: readonly string[], expectOk?: boolean): Promise<ToolResult>;
  scHsmTool(args: readonly string[], expectOk?: boolean): Promise<ToolResult>;
}

/** The test's PINs and passwords never reach the log (style: secrets are not printed). */
function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((s, secret) => s.split(secret).join('***'), text);
}

export function tools(t: ExecutionContext, readerName: string, readerIndex: number, secrets: readonly string[]): Tools {
  const run = async (program: string, args: readonly string[], expectOk = true): Promise<ToolResult> => {
    const r = await runTool(program, args, 180_000);
    t.log(redact(`$ ${program} ${args.join(' ')}\n${r.stdout}${r.stderr}[exit ${r.code}]`, secrets));
    if (expectOk && r.code !== 0) t.fail(redact(`${program} ${args.join(' ')} exited ${r.code}: ${r.stderr}`, secrets));
    return r;
  };
  return {
    run,
    pkcs11: (args, expectOk) => run('pkcs11-tool', ['--module', PKCS11_MODULE, '--slot-description', readerName, ...args], expectOk),
    scHsmTool: (args, expectOk) => run('sc-hsm-tool', ['-r', String(readerIndex), ...args], expectOk),
  };
}

export interface ToolApdu {
  readonly sw: string;
  readonly data: Uint8Array;
}

/**
 * The responses in `opensc-tool -s …` output: "Received (SW1=0x90, SW2=0x00):" followed by hexdump
 * lines of 16 bytes (hex in the first 48 columns, ASCII after).
 */
export function openscToolResponses(stdout: string): ToolApdu[] {
  const out: { sw: string; hex: string[] }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Received \(SW1=0x([0-9A-Fa-f]{2}), SW2=0x([0-9A-Fa-f]{2})\)/.exec(line);
    if (m !== null) out.push({ sw: `${m[1]}${m[2]}`.toUpperCase(), hex: [] });
    else if (line.startsWith('Sending:')) continue;
    else {
      const current = out[out.length - 1];
      const bytes = line.slice(0, 48).trim();
      if (current !== undefined && /^([0-9A-F]{2} ?)+$/.test(bytes)) current.hex.push(...bytes.split(' '));
    }
  }
  return out.map((r) => ({ sw: r.sw, data: new Uint8Array(Buffer.from(r.hex.join(''), 'hex')) }));
}

/** `AA:BB:…` for opensc-tool -s. */
export const colonHex = (b: Uint8Array | string): string =>
  (typeof b === 'string' ? b : Buffer.from(b).toString('hex')).replace(/\s+/g, '').replace(/(..)(?!$)/g, '$1:');
