import { closeSync, fchmodSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { LogFormat } from '../../../../trace/import/index.ts';
import { formatComment, formatHeader, formatRecord } from '../../../../trace/print.ts';
import { NOT_REDACTED_WARNING } from '../../../../trace/redaction.ts';
import type { TraceStream } from '../../../../trace/stream.ts';
import { FileExistsError } from '../../../../transport/errors.ts';
import type { GlobalArgs } from '../../../command.ts';
import { line, type CliContext } from '../../../context.ts';
import { EXIT, UsageError } from '../../../exit-codes.ts';
import { checkWritable, reportContext, resolvePath, STDIO } from '../../../files.ts';
import { printJson } from '../../../output.ts';
import { batched } from '../../../batched.ts';
import { streamForCli } from '../load.ts';

export interface TraceImportArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly out?: string | undefined;
  readonly format?: LogFormat | undefined;
  readonly redactUnwrap?: boolean | undefined;
}

/** Write the trace in canonical form through `write`, record by record; returns [exchanges, resets]. */
function writeCanonical(stream: TraceStream, write: (text: string) => void): [number, number] {
  let exchanges = 0;
  let resets = 0;
  for (const r of stream) {
    const first = exchanges + resets === 0;
    if (first) write(formatHeader(stream.info.header));
    write(formatRecord(r, first && stream.info.header.length > 0));
    if (r.kind === 'exchange') exchanges++;
    else resets++;
  }
  const { header, trailer } = stream.info;
  if (exchanges + resets === 0) write(formatHeader(header));
  if (trailer.length > 0) {
    const gap = exchanges + resets > 0 || header.length === 0 ? '\n' : '';
    write(`${gap}${trailer.map(formatComment).join('\n')}\n`);
  }
  return [exchanges, resets];
}

/** Stream into `file`, created with mode 0600 (exclusive unless `force`); a failed import leaves no partial file. */
function writeTraceFile(
  ctx: CliContext,
  file: string,
  force: boolean,
  fill: (write: (text: string) => void) => [number, number],
): [number, number] {
  const full = resolvePath(ctx, file);
  let fd: number;
  try {
    fd = openSync(full, force ? 'w' : 'wx', 0o600);
    fchmodSync(fd, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(file);
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const out = batched((text) => void writeSync(fd, text));
    const counts = fill(out.write);
    out.flush();
    closeSync(fd);
    return counts;
  } catch (err) {
    closeSync(fd);
    unlinkSync(full);
    throw err;
  }
}

function toStdout(ctx: CliContext, quiet: boolean, fill: (write: (text: string) => void) => [number, number]): [number, number] {
  const out = batched(quiet ? () => undefined : ctx.stdout);
  try {
    return fill(out.write);
  } finally {
    out.flush();
  }
}

/**
 * Import, redact (unless --no-redact), write the trace to -o (0600, no overwrite) or stdout, streamed.
 * `-o -` is stdout too, and then the trace is printed even with --json (whose document goes to stderr).
 */
export async function runTraceImport(args: TraceImportArgs, ctx: CliContext): Promise<number> {
  const file = args.out === STDIO ? undefined : args.out;
  if (file !== undefined) await checkWritable(ctx, file, args.force === true);
  const stream = await streamForCli(ctx, args.file, { format: args.format, redact: args.redact, redactUnwrap: args.redactUnwrap });
  if (args.redact === false) line(ctx.stderr, NOT_REDACTED_WARNING);
  const [exchanges, resets] =
    file !== undefined
      ? writeTraceFile(ctx, file, args.force === true, (write) => writeCanonical(stream, write))
      : toStdout(ctx, args.json === true && args.out === undefined, (write) => writeCanonical(stream, write));
  const summary = {
    file: args.file,
    importedFrom: stream.info.metadata['imported-from'] ?? 'schsm trace',
    exchanges,
    resets,
    redacted: stream.info.metadata.redacted,
    ...(args.out === undefined ? {} : { out: args.out }),
  };
  if (args.out !== undefined && args.json !== true)
    line(ctx.stderr, `${exchanges} exchange(s) from ${args.file} (${summary.importedFrom}) written to ${args.out}`);
  if (args.json === true) printJson(reportContext(ctx, args.out), summary);
  return EXIT.OK;
}
