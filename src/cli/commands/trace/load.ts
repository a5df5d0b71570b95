import { fileErrorText } from '../../../transport/fs-errors.ts';
import { loadTraceFile } from '../../../trace/load.ts';
import { openTraceStream, type TraceStream } from '../../../trace/stream.ts';
import type { TraceRecord } from '../../../trace/types.ts';
import type { LogFormat } from '../../../trace/import/index.ts';
import type { Trace } from '../../../trace/types.ts';
import type { CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { resolvePath, STDIO } from '../../files.ts';

/**
 * Read a trace or any importable log named on the command line (relative to the context's cwd).
 * Foreign logs are redacted unless --no-redact; an unreadable file is a usage error (exit 2).
 */
export function loadForCli(
  ctx: CliContext,
  file: string,
  options: { format?: LogFormat | undefined; redact?: boolean | undefined; redactUnwrap?: boolean | undefined } = {},
): Trace {
  const full = resolvePath(ctx, notStdin(file));
  try {
    return loadTraceFile(full, {
      name: file,
      ...(options.format === undefined ? {} : { format: options.format }),
      redact: options.redact !== false,
      redactUnwrap: options.redactUnwrap === true,
    });
  } catch (err) {
    throw readFailure(err, file);
  }
}

/** A trace is opened by name and streamed record by record: `-` (stdin) is refused in words, not "no such file". */
function notStdin(file: string): string {
  if (file === STDIO)
    throw new UsageError('a trace or log is read from a file, not from stdin ("-")', 'save it to a file first, e.g. > app.log');
  return file;
}

/** An unreadable file is a usage error (exit 2) naming it; anything else is passed on. */
function readFailure(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return new UsageError(`trace ${file}: ${fileErrorText(err)}`);
  return err;
}

/** `loadForCli` for a trace read record by record (stream.ts): show, import and diff of traces of any size. */
export function streamForCli(
  ctx: CliContext,
  file: string,
  options: { format?: LogFormat | undefined; redact?: boolean | undefined; redactUnwrap?: boolean | undefined } = {},
): TraceStream {
  let stream: TraceStream;
  try {
    stream = openTraceStream(resolvePath(ctx, notStdin(file)), {
      name: file,
      ...(options.format === undefined ? {} : { format: options.format }),
      redact: options.redact !== false,
      redactUnwrap: options.redactUnwrap === true,
    });
  } catch (err) {
    throw readFailure(err, file);
  }
  const inner = stream;
  return {
    info: inner.info,
    *[Symbol.iterator](): Generator<TraceRecord> {
      try {
        yield* inner;
      } catch (err) {
        throw readFailure(err, file);
      }
    },
  };
}
