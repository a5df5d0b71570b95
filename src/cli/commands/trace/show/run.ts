import { annotateExchange, annotateReset, type Annotation } from '../../../../trace/annotate.ts';
import { annotationJson } from '../../../../trace/annotate-json.ts';
import type { LogFormat } from '../../../../trace/import/index.ts';
import { renderAnnotation } from '../../../../trace/render.ts';
import type { TraceStream } from '../../../../trace/stream.ts';
import type { GlobalArgs } from '../../../command.ts';
import type { CliContext } from '../../../context.ts';
import { EXIT } from '../../../exit-codes.ts';
import { jsonReplacer } from '../../../output.ts';
import { batched } from '../../../batched.ts';
import { streamForCli } from '../load.ts';

export interface TraceShowArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly format?: LogFormat | undefined;
}

/** Annotations of a streamed trace, one at a time. */
function* annotations(stream: TraceStream): Generator<Annotation> {
  let number = 0;
  for (const r of stream) yield r.kind === 'exchange' ? annotateExchange(r, ++number) : annotateReset(r);
}

const json = (v: unknown, indent: string): string => JSON.stringify(v, jsonReplacer, 2).replace(/\n/g, `\n${indent}`);

/**
 * Print the annotated trace (text, or `{file, metadata, annotations}` with --json), one exchange at a
 * time: the trace is streamed (trace/stream.ts), so its size does not matter. The JSON is written in
 * pieces with the layout `JSON.stringify(…, null, 2)` gives the whole document.
 */
export async function runTraceShow(args: TraceShowArgs, ctx: CliContext): Promise<number> {
  const stream = await streamForCli(ctx, args.file, { format: args.format, redact: args.redact });
  const out = batched(ctx.stdout);
  try {
    return show(args, stream, out.write);
  } finally {
    out.flush();
  }
}

function show(args: TraceShowArgs, stream: TraceStream, write: (text: string) => void): number {
  const ctx = { stdout: write };
  if (args.json === true) {
    let n = 0;
    for (const a of annotations(stream)) {
      if (n++ === 0)
        ctx.stdout(`{\n  "file": ${json(args.file, '  ')},\n  "metadata": ${json(stream.info.metadata, '  ')},\n  "annotations": [\n`);
      else ctx.stdout(',\n');
      ctx.stdout(`    ${json(annotationJson(a), '    ')}`);
    }
    if (n === 0)
      ctx.stdout(`{\n  "file": ${json(args.file, '  ')},\n  "metadata": ${json(stream.info.metadata, '  ')},\n  "annotations": []\n}\n`);
    else ctx.stdout('\n  ]\n}\n');
    return EXIT.OK;
  }
  let n = 0;
  const meta = (): void => {
    const text = Object.entries(stream.info.metadata)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('');
    if (text !== '') ctx.stdout(`${text}\n`);
  };
  for (const a of annotations(stream)) {
    if (n === 0) meta();
    ctx.stdout(`${n++ === 0 ? '' : '\n'}${renderAnnotation(a)}\n`);
  }
  if (n === 0) meta();
  return EXIT.OK;
}
