/**
 * `debug 1` / `-v`: every APDU as an annotated exchange, rendered by the trace layer's annotator
 * (instruction name, CLA/P1/P2, length case, decoded data, status word meaning). Secrets are masked
 * with the same rules as traces (PINs, SO-PINs, DKEK shares, card random) before anything is shown.
 */
import { annotateExchange } from '../trace/annotate.ts';
import { concretePattern } from '../trace/pattern.ts';
import { redactExchange } from '../trace/redaction.ts';
import { renderAnnotation } from '../trace/render.ts';
import { exchangeRecord } from '../trace/types.ts';
import type { Style } from './style.ts';

/** Text of exchange number `n` (no trailing newline). */
export function renderExchange(n: number, command: Uint8Array, response: Uint8Array, micros: number, style: Style): string {
  const record = exchangeRecord({ command: concretePattern(command), response: concretePattern(response), durationMs: micros / 1000 });
  const annotation = annotateExchange(redactExchange(record), n);
  const ok = annotation.response.success;
  const lines = renderAnnotation(annotation).split('\n').slice(1); // drop "#n  line 0  …": not from a file
  const head = style.bold(`#${n}`) + style.dim(`  ${(micros / 1000).toFixed(3)} ms`);
  return [
    head,
    ...lines.map((l) => (l.startsWith('=> ') ? style.cyan(l) : l.startsWith('<= ') ? (ok ? style.green(l) : style.red(l)) : style.dim(l))),
  ].join('\n');
}
