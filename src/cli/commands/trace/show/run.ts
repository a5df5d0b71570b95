import { annotate } from '../../../../trace/annotate.ts';
import { annotationJson } from '../../../../trace/annotate-json.ts';
import type { LogFormat } from '../../../../trace/import/index.ts';
import { renderAnnotation } from '../../../../trace/render.ts';
import type { GlobalArgs } from '../../../command.ts';
import type { CliContext } from '../../../context.ts';
import { EXIT } from '../../../exit-codes.ts';
import { printJson } from '../../../output.ts';
import { loadForCli } from '../load.ts';

export interface TraceShowArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly format?: LogFormat | undefined;
}

/** Print the annotated trace (text, or `{metadata, annotations}` with --json). */
export async function runTraceShow(args: TraceShowArgs, ctx: CliContext): Promise<number> {
  const trace = loadForCli(ctx, args.file, { format: args.format, redact: args.redact });
  const annotations = annotate(trace);
  if (args.json === true) printJson(ctx, { file: args.file, metadata: trace.metadata, annotations: annotations.map(annotationJson) });
  else {
    // One write per exchange: a long trace never becomes one huge string.
    const meta = Object.entries(trace.metadata)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('');
    if (meta !== '') ctx.stdout(`${meta}\n`);
    for (const [i, a] of annotations.entries()) ctx.stdout(`${i === 0 ? '' : '\n'}${renderAnnotation(a)}\n`);
  }
  return EXIT.OK;
}
