import { formatTrace } from '../../../../trace/format.ts';
import type { LogFormat } from '../../../../trace/import/index.ts';
import { NOT_REDACTED_WARNING } from '../../../../trace/redaction.ts';
import { exchangesOf } from '../../../../trace/types.ts';
import type { GlobalArgs } from '../../../command.ts';
import { line, type CliContext } from '../../../context.ts';
import { EXIT } from '../../../exit-codes.ts';
import { checkWritable, writeSecretFile } from '../../../files.ts';
import { printJson } from '../../../output.ts';
import { loadForCli } from '../load.ts';

export interface TraceImportArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly out?: string | undefined;
  readonly format?: LogFormat | undefined;
  readonly redactUnwrap?: boolean | undefined;
}

/** Import, redact (unless --no-redact), write the trace to -o (0600, no overwrite) or stdout. */
export async function runTraceImport(args: TraceImportArgs, ctx: CliContext): Promise<number> {
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const trace = loadForCli(ctx, args.file, { format: args.format, redact: args.redact, redactUnwrap: args.redactUnwrap });
  if (args.redact === false) line(ctx.stderr, NOT_REDACTED_WARNING);
  const text = formatTrace(trace);
  const exchanges = exchangesOf(trace).length;
  const summary = {
    file: args.file,
    importedFrom: trace.metadata['imported-from'] ?? 'schsm trace',
    exchanges,
    resets: trace.records.length - exchanges,
    redacted: trace.metadata.redacted,
    ...(args.out === undefined ? {} : { out: args.out }),
  };
  if (args.out !== undefined) {
    await writeSecretFile(ctx, args.out, new TextEncoder().encode(text), args.force === true);
    if (args.json !== true) line(ctx.stderr, `${exchanges} exchange(s) from ${args.file} (${summary.importedFrom}) written to ${args.out}`);
  } else if (args.json !== true) ctx.stdout(text);
  if (args.json === true) printJson(ctx, summary);
  return EXIT.OK;
}
