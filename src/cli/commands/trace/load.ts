import { fileErrorText } from '../../../transport/fs-errors.ts';
import { INPUT_LIMITS, InputTooLargeError } from '../../../transport/bounded-read.ts';
import { loadTraceBytes, loadTraceFile } from '../../../trace/load.ts';
import { openTraceStream, type TraceStream } from '../../../trace/stream.ts';
import type { TraceRecord } from '../../../trace/types.ts';
import { detectLogFormat, type LogFormat } from '../../../trace/import/index.ts';
import type { Trace } from '../../../trace/types.ts';
import type { CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { readStdin, resolvePath, STDIO } from '../../files.ts';

type LoadOptions = { format?: LogFormat | undefined; redact?: boolean | undefined; redactUnwrap?: boolean | undefined };

/**
 * A trace or log piped in (`-`): read whole from stdin, at most INPUT_LIMITS.traceInMemory bytes (64
 * MiB), never spooled to disk (a foreign log may hold a PIN before it is redacted). A named file is
 * streamed instead, whatever its size.
 */
async function fromStdin(ctx: CliContext, options: LoadOptions): Promise<{ trace: Trace; format: LogFormat }> {
  let bytes: Uint8Array;
  try {
    bytes = await readStdin(ctx, 'trace', INPUT_LIMITS.traceInMemory);
  } catch (err) {
    if (err instanceof InputTooLargeError)
      throw new UsageError(
        err.message,
        'a trace read from stdin ("-") is held in memory; name the file instead, which is streamed whatever its size',
      );
    throw err;
  }
  const format = options.format ?? detectLogFormat(new TextDecoder().decode(bytes.subarray(0, 64 * 1024))) ?? 'schsm';
  const trace = loadTraceBytes(bytes, {
    name: 'stdin',
    format,
    redact: options.redact !== false,
    redactUnwrap: options.redactUnwrap === true,
  });
  return { trace, format };
}

/**
 * Read a trace or any importable log named on the command line (relative to the context's cwd).
 * Foreign logs are redacted unless --no-redact; an unreadable file is a usage error (exit 2).
 */
export async function loadForCli(ctx: CliContext, file: string, options: LoadOptions = {}): Promise<Trace> {
  if (file === STDIO) return (await fromStdin(ctx, options)).trace;
  const full = resolvePath(ctx, file);
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

/** An unreadable file is a usage error (exit 2) naming it; anything else is passed on. */
function readFailure(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return new UsageError(`trace ${file}: ${fileErrorText(err)}`);
  return err;
}

/** `loadForCli` for a trace read record by record (stream.ts): show, import and diff of traces of any size. */
export async function streamForCli(ctx: CliContext, file: string, options: LoadOptions = {}): Promise<TraceStream> {
  if (file === STDIO) {
    const { trace, format } = await fromStdin(ctx, options);
    return {
      info: { format, metadata: trace.metadata, header: trace.header, trailer: trace.trailer },
      [Symbol.iterator]: () => trace.records[Symbol.iterator](),
    };
  }
  let stream: TraceStream;
  try {
    stream = openTraceStream(resolvePath(ctx, file), {
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
