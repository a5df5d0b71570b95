import { loadTraceFile } from '../../../trace/load.ts';
import type { LogFormat } from '../../../trace/import/index.ts';
import type { Trace } from '../../../trace/types.ts';
import type { CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { resolvePath } from '../../files.ts';

/**
 * Read a trace or any importable log named on the command line (relative to the context's cwd).
 * Foreign logs are redacted unless --no-redact; an unreadable file is a usage error (exit 2).
 */
export function loadForCli(
  ctx: CliContext,
  file: string,
  options: { format?: LogFormat | undefined; redact?: boolean | undefined; redactUnwrap?: boolean | undefined } = {},
): Trace {
  const full = resolvePath(ctx, file);
  try {
    return loadTraceFile(full, {
      name: file,
      ...(options.format === undefined ? {} : { format: options.format }),
      redact: options.redact !== false,
      redactUnwrap: options.redactUnwrap === true,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new UsageError(`cannot read the trace ${file}: ${code}`);
    throw err;
  }
}
