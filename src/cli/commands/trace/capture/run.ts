import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { LiveTrace, type LiveTraceSummary } from '../../../../trace/capture/live-trace.ts';
import { SpyParser } from '../../../../trace/capture/spy-protocol.ts';
import { openTraceFile } from '../../../../trace/record.ts';
import { NOT_REDACTED_WARNING } from '../../../../trace/redaction.ts';
import type { GlobalArgs } from '../../../command.ts';
import { line, type CliContext } from '../../../context.ts';
import { UsageError } from '../../../exit-codes.ts';
import { checkWritable, resolvePath, STDIO } from '../../../files.ts';
import { printJson } from '../../../output.ts';
import { type FifoLines, readFifoLines } from './fifo-lines.ts';
import { createSpyDir, findSpyLibraries } from './spy-env.ts';

export interface TraceCaptureArgs extends Partial<GlobalArgs> {
  readonly command?: readonly (string | number)[] | undefined;
  readonly '--'?: readonly (string | number)[] | undefined;
  readonly out?: string | undefined;
  readonly show?: boolean | undefined;
  readonly redactUnwrap?: boolean | undefined;
  readonly spyLibrary?: string | undefined;
}

/** How long the spy FIFO is still read after the application ended (a descendant may hold it open). */
const DRAIN_MS = 2000;

/**
 * Run the application under the spy library (spy-env.ts), turn every line the spy writes into the
 * live trace as it comes (redacted first, then written to -o and shown on stderr), and return the
 * application's exit code (128 + signal number when a signal ended it). The arguments are never
 * written anywhere: they may hold a PIN (`pkcs11-tool --pin …`); the trace names the program only.
 */
export async function runTraceCapture(args: TraceCaptureArgs, ctx: CliContext): Promise<number> {
  const argv = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  const program = argv[0];
  if (program === undefined)
    throw new UsageError('name the application to capture after --', 'e.g. schsm trace capture -o s.trace -- pkcs11-tool -L');
  if (args.out === STDIO)
    throw new UsageError(
      "trace capture -o -: stdout already carries the live trace and the application's output",
      'name a file, e.g. -o s.trace',
    );
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const libs = findSpyLibraries(args.spyLibrary);
  if (args.redact === false) line(ctx.stderr, NOT_REDACTED_WARNING);
  const spyDir = createSpyDir(libs, ctx.env.HOME);
  let fd: number | undefined;
  let fifo: FifoLines | undefined;
  try {
    const file = args.out === undefined ? undefined : resolvePath(ctx, args.out);
    if (file !== undefined) fd = openFile(file, args.out ?? file, args.force === true);
    const out = fd;
    const live = new LiveTrace({
      ...(out === undefined ? {} : { write: (text: string) => void writeSync(out, text) }),
      ...(args.show === false ? {} : { show: ctx.stderr }),
      redact: args.redact !== false,
      redactUnwrap: args.redactUnwrap === true,
      header: { program: path.basename(program) },
    });
    const parser = new SpyParser();
    const lines = readFifoLines(spyDir.fifo, (text) => {
      for (const e of parser.line(text)) live.event(e);
    });
    fifo = lines;
    const { code, signal } = await runChild(argv, spyDir.env(ctx.env), ctx, args.json === true, () => {
      if (fd !== undefined && file !== undefined) {
        closeSync(fd);
        fd = undefined;
        unlinkSync(file);
      }
    });
    await lines.drain(DRAIN_MS);
    const ending = `${path.basename(program)} ${signal === undefined ? `exited with code ${code}` : `was ended by ${signal} (exit code ${code})`}`;
    const trailer = [
      ...parser.pending().map((c) => `${c} had not returned when the capture ended`),
      ...(lines.overlong > 0 ? [`${lines.overlong} spy line(s) longer than a 64 KiB buffer left out`] : []),
      `capture ended: ${ending}`,
    ];
    const summary = live.finish(trailer);
    report(ctx, args, path.basename(program), code, signal, summary);
    return code;
  } finally {
    fifo?.close();
    if (fd !== undefined) closeSync(fd);
    spyDir.remove();
  }
}

function openFile(full: string, shown: string, force: boolean): number {
  try {
    return openTraceFile(full, force);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_SCHSM') === true) throw error;
    throw new UsageError(`cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function report(
  ctx: CliContext,
  args: TraceCaptureArgs,
  program: string,
  code: number,
  signal: string | undefined,
  s: LiveTraceSummary,
): void {
  if (args.json === true) {
    printJson(ctx, {
      program,
      exitCode: code,
      ...(signal === undefined ? {} : { signal }),
      ...s,
      ...(args.out === undefined ? {} : { out: args.out }),
    });
    return;
  }
  const where = args.out === undefined ? '' : ` written to ${args.out}`;
  line(ctx.stderr, `capture: ${s.exchanges} exchange(s) from ${program}${where}; ${program} exited with ${code}`);
  if (s.exchanges === 0 && s.failedTransmits === 0)
    line(
      ctx.stderr,
      `capture: no APDU seen: does ${program} use PC/SC through libpcsclite.so.1 (not a setuid or statically linked program)?`,
    );
}

/**
 * Start the application and wait for its end. With the process's own stdio it shares the terminal;
 * in a test context its output goes through ctx (stdout to stderr with --json, so that stdout holds
 * the JSON only). SIGTERM, SIGHUP and SIGQUIT are passed on to it; SIGINT too, unless stdin is a
 * terminal (then Ctrl-C already reached the application, which is in the same process group).
 */
async function runChild(
  argv: readonly string[],
  env: Record<string, string>,
  ctx: CliContext,
  json: boolean,
  onSpawnError: () => void,
): Promise<{ code: number; signal: string | undefined }> {
  const stdio: StdioOptions = ctx.processStdio === true ? ['inherit', json ? 2 : 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'];
  // the handlers come first: a signal that arrives while the child is being started is passed on once it runs
  let child: ChildProcess | undefined;
  const early: NodeJS.Signals[] = [];
  const forward = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && process.stdin.isTTY === true) return;
    if (child === undefined) early.push(sig);
    else if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const handlers = (['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGINT'] as const).map((sig) => {
    const h = (): void => forward(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const started = spawn(argv[0] as string, argv.slice(1), { env, cwd: ctx.cwd, stdio });
    child = started;
    if (ctx.processStdio !== true) pipeChild(started, ctx, json);
    for (const sig of early) forward(sig);
    return await new Promise((resolve, reject) => {
      started.once('error', (error: NodeJS.ErrnoException) => {
        onSpawnError();
        reject(
          new UsageError(
            `cannot run ${argv[0]}: ${error.code === 'ENOENT' ? 'no such program' : (error.code ?? error.message)}`,
            'name the application and its arguments after --',
          ),
        );
      });
      started.once('close', (code, signal) => {
        if (signal !== null) resolve({ code: 128 + (osConstants.signals[signal] ?? 0), signal });
        else resolve({ code: code ?? 0, signal: undefined });
      });
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

function pipeChild(child: ChildProcess, ctx: CliContext, json: boolean): void {
  child.stdout?.setEncoding('utf8').on('data', (t: string) => (json ? ctx.stderr : ctx.stdout)(t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => ctx.stderr(t));
  child.stdin?.on('error', () => undefined);
  ctx.stdin.pipe(child.stdin as NodeJS.WritableStream);
}
