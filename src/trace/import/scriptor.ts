import { TraceImportError } from '../errors.ts';
import type { Trace } from '../types.ts';
import { TraceBuilder } from './builder.ts';
import { looseHex } from './hexdump.ts';

/**
 * Import the output of pcsc-tools' `scriptor` (checked against pcsc-tools 1.6.2's script):
 *
 *   Using T=1 protocol                      (protocol; "Using given card reader: …" goes to stderr)
 *   > 00 A4 04 00 06 A0 00 00 00 01 01      (the command)
 *   < 62 22 … 2B                            (the response, 16 bytes per line;
 *   06 01 … 90 00 : Normal processing.       the last line ends with " : " and the SW's meaning)
 *   > RESET
 *   < OK: 3B FE 18 …                        (the ATR after the reset; "< KO: …" when it failed)
 *
 * With a script file scriptor also echoes the script's own lines; everything that is not one of the
 * lines above is ignored.
 */
export function importScriptorLog(text: string, file?: string): Trace {
  const b = new TraceBuilder('scriptor output', file);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let cmd: { bytes: number[]; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    let m: RegExpExecArray | null;
    if ((m = /^Using (T=\d) protocol/.exec(line)) !== null) b.meta('protocol', m[1]);
    else if ((m = /^(?:Using given card reader|No reader given: using): (.+)$/.exec(line)) !== null) b.meta('reader', m[1]);
    else if (/^> RESET\s*$/i.test(line)) continue;
    else if ((m = /^< OK: ([0-9A-Fa-f ]*)$/.exec(line)) !== null) b.reset(i + 1, Uint8Array.from(looseHex(m[1] ?? '') ?? []));
    else if (line.startsWith('> ')) {
      const bytes = looseHex(line.slice(2));
      if (bytes === undefined || bytes.length < 4) throw new TraceImportError('a "> " line must hold a command APDU in hex', i + 1, file);
      cmd = { bytes, line: i + 1 };
    } else if (line.startsWith('< ') && !line.startsWith('< KO:')) {
      if (cmd === undefined) throw new TraceImportError('a response ("< ") without a command ("> ") before it', i + 1, file);
      const start = i;
      let body = line.slice(2);
      while (!body.includes(' : ') && i + 1 < lines.length) body += ` ${lines[++i] ?? ''}`;
      const hex = body.split(' : ')[0] ?? '';
      const resp = looseHex(hex);
      if (resp === undefined || resp.length < 2)
        throw new TraceImportError('a response must hold at least SW1 SW2 in hex', start + 1, file);
      b.exchange(cmd.bytes, resp, cmd.line, start + 1);
      cmd = undefined;
    }
  }
  return b.build(file);
}
