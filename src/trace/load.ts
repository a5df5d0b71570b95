import { INPUT_LIMITS, readBoundedFileSync } from '../transport/bounded-read.ts';
import { parseTrace } from './format.ts';
import { detectLogFormat, importLog, type ImportOptions } from './import/index.ts';
import type { Trace } from './types.ts';

export type LoadTraceOptions = Omit<ImportOptions, 'file'> & { readonly name?: string };

/**
 * Read a trace file for replay, show or diff. A schsm trace is parsed as it is (it was redacted when it
 * was written, unless its author turned that off); any other supported log is imported and redacted
 * (see import/index.ts). Errors name the file (`name`, default `path`) and line. The file is read whole:
 * at most INPUT_LIMITS.traceInMemory bytes (an
 * InputTooLargeError names the file and the limit); stream.ts reads traces of any size record by record.
 */
export function loadTraceFile(path: string, options: LoadTraceOptions = {}): Trace {
  const bytes = readBoundedFileSync(path, INPUT_LIMITS.traceInMemory, { name: options.name ?? path, what: 'trace' });
  return loadTraceBytes(bytes, { ...options, name: options.name ?? path });
}

/** `loadTraceFile` for bytes already read (e.g. stdin, bounded by the caller); `name` names them in errors. */
export function loadTraceBytes(bytes: Uint8Array, options: LoadTraceOptions & { readonly name: string }): Trace {
  const text = new TextDecoder().decode(bytes);
  const format = options.format ?? detectLogFormat(text);
  const file = options.name;
  if (format === 'schsm') return parseTrace(text, { file });
  return importLog(text, { ...options, file });
}
