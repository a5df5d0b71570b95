/**
 * `debug 1` / `-v`: every APDU as an annotated exchange, rendered by the trace layer's annotator
 * (instruction name, CLA/P1/P2, length case, decoded data, status word meaning). Secrets are masked
 * with the same rules as traces (PINs, SO-PINs, DKEK shares, decrypted data, card random) before
 * anything is shown: the session passes every exchange through its stream redactor first (which lets
 * secrets through only with --no-redact).
 */
import { annotateExchange } from '../trace/annotate.ts';
import { renderAnnotation } from '../trace/render.ts';
import type { TraceExchange } from '../trace/types.ts';
import type { Style } from './style.ts';

/** Text of exchange number `n`, given as an already redacted record (no trailing newline). */
export function renderExchange(n: number, redacted: TraceExchange, micros: number, style: Style): string {
  const annotation = annotateExchange(redacted, n);
  const ok = annotation.response.success;
  const lines = renderAnnotation(annotation).split('\n').slice(1); // drop "#n  line 0  …": not from a file
  const head = style.bold(`#${n}`) + style.dim(`  ${(micros / 1000).toFixed(3)} ms`);
  return [
    head,
    ...lines.map((l) => (l.startsWith('=> ') ? style.cyan(l) : l.startsWith('<= ') ? (ok ? style.green(l) : style.red(l)) : style.dim(l))),
  ].join('\n');
}
