import { readFileSync } from 'node:fs';
import { parseTrace } from './format.ts';
import { detectLogFormat, importLog, type ImportOptions } from './import/index.ts';
import type { Trace } from './types.ts';

/**
 * Read a trace file for replay, show or diff. A schsm trace is parsed as it is (it was redacted when it
 * was written, unless its author turned that off); any other supported log is imported and redacted
 * (see import/index.ts). Errors name the file (`name`, default `path`) and line.
 */
export function loadTraceFile(path: string, options: Omit<ImportOptions, 'file'> & { readonly name?: string } = {}): Trace {
  const text = readFileSync(path, 'utf8');
  const format = options.format ?? detectLogFormat(text);
  const file = options.name ?? path;
  if (format === 'schsm') return parseTrace(text, { file });
  return importLog(text, { ...options, file });
}
