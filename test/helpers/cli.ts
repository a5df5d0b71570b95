import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';
import type { CardSource, CliContext } from '../../src/cli/context.ts';
import type { Transport } from '../../src/transport/transport.ts';

/** What a `runCli` call printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly sources: readonly CardSource[];
}

/**
 * Run `schsm <argv>` in-process with a context that captures output and hands out the transport
 * `open` makes (never PC/SC unless `open` opens it).
 */
export async function runSchsm(argv: readonly string[], open: (source: CardSource) => Promise<Transport>, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sources: CardSource[] = [];
  const stdin = new PassThrough();
  stdin.end();
  const ctx: CliContext = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin,
    env: {},
    cwd,
    isTTY: false,
    color: false,
    openTransport: async (source) => {
      sources.push(source);
      return open(source);
    },
  };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr, sources };
}
