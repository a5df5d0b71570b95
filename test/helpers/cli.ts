import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';
import type { CardSource, CliContext } from '../../src/cli/context.ts';
import type { Transport } from '../../src/transport/transport.ts';

/** What a `runCli` call printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  /** Raw bytes written on stdout (an output file named `-`), in order. */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  /** Every CardSource the command asked for. */
  readonly sources: readonly CardSource[];
}

export interface CliRunOptions {
  readonly env?: Record<string, string>;
  /** Text fed to stdin (then end of input); default: nothing. */
  readonly stdin?: string;
  /** A stream to use as stdin (a fake TTY in prompt tests). */
  readonly stdinStream?: NodeJS.ReadableStream;
  readonly isTTY?: boolean;
  /** Working directory of the command; default: the process's. */
  readonly cwd?: string;
  /** Hands out the card a command opens; default: none (opening a card fails the command). */
  readonly open?: (source: CardSource) => Promise<Transport>;
  /** Also called with every stderr write as it happens (prompt tests wait for prompts). */
  readonly onStderr?: (text: string) => void;
}

/**
 * Run `schsm <argv>` in-process with a context that captures output, has no colour, and hands out the
 * transport `open` makes (never PC/SC unless `open` opens it). The one CLI runner of the tests.
 */
export async function runCliCaptured(argv: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const raw: Buffer[] = [];
  const sources: CardSource[] = [];
  const stdin = options.stdinStream ?? new PassThrough().end(options.stdin ?? '');
  const ctx: CliContext = {
    stdout: (t) => void (stdout += t),
    stdoutBytes: (b) => void raw.push(Buffer.from(b)),
    stderr: (t) => {
      stderr += t;
      options.onStderr?.(t);
    },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    color: false,
    openTransport: async (source) => {
      sources.push(source);
      if (options.open === undefined) throw new Error('test context has no card');
      return options.open(source);
    },
  };
  const code = await runCli(argv, ctx);
  return { code, stdout, stdoutBytes: Buffer.concat(raw), stderr, sources };
}

/** `runCliCaptured` with `open` providing the card, in `cwd`. */
export function runSchsm(
  argv: readonly string[],
  open: (source: CardSource) => Promise<Transport>,
  cwd = process.cwd(),
): Promise<CliResult> {
  return runCliCaptured(argv, { open, cwd });
}
