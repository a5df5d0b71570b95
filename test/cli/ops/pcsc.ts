/**
 * Interop harness: schsm commands through the REAL pcscd to a simulator served by vpcd
 * (test/helpers/vpcd.ts withVirtualCard), next to OpenSC's tools on the same reader.
 */
import { openPcscTransport } from '../../../src/transport/pcsc.ts';
import { runTool, type ToolResult } from '../../helpers/vpcd.ts';
import { runWith, type RunOptions, type RunResult } from './helpers.ts';

/** Run `schsm <argv>` with --reader resolved through PC/SC (default: `readerName`). */
export function runPcsc(readerName: string, argv: readonly string[], options: Omit<RunOptions, 'open'> = {}): Promise<RunResult> {
  return runWith(argv, {
    ...options,
    open: (source) => openPcscTransport({ reader: source.reader ?? readerName, ...(source.exclusive === true ? { exclusive: true } : {}) }),
  });
}

/** Run a command line through `script` so the program sees a terminal; `input` is typed into it. */
export function inPty(command: string, input: string, timeoutMs = 120_000): Promise<ToolResult> {
  const quoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return runTool('sh', ['-c', `printf %s ${quoted(input)} | script -qec ${quoted(command)} /dev/null`], timeoutMs);
}

/** Strip terminal control sequences and CRs from pty output. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
}
