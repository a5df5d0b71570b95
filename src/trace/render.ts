import type { Annotation, CommandAnnotation, ExchangeAnnotation, ResponseAnnotation } from './annotate.ts';
import { tlvLines, type DataAnnotation } from './decode-data.ts';
import { formatPattern } from './pattern.ts';

/**
 * Text rendering of annotations (`schsm trace show`):
 *
 *   #3  line 12  0.655 ms
 *   => 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00
 *      SELECT · CLA 00: ISO · P1 04: select by DF name (AID) · P2 00: return FCI
 *      case 4S · Lc 0B (Nc 11) · Le 00 (Ne 256)
 *      AID: E82B0601040181C31F0201 (SmartCard-HSM applet)
 *   <= 62 22 81 02 00 00 … 90 00
 *      9000 OK: normal processing · 36 data bytes
 *      62 FCP template (34)
 *        81 file size (total) (2): 0000
 */

export interface RenderOptions {
  /** Bytes per hex line before wrapping (default 24). */
  readonly bytesPerLine?: number;
}

const INDENT = '   ';

function wrapHex(prefix: string, hex: string, perLine: number): string[] {
  const tokens = hex.split(' ');
  if (tokens.length <= perLine) return [`${prefix}${hex}`];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += perLine) out.push(`${i === 0 ? prefix : INDENT}${tokens.slice(i, i + perLine).join(' ')}`);
  return out;
}

/** Lines describing a decoded data field. */
export function renderData(d: DataAnnotation | undefined): string[] {
  if (d === undefined) return [];
  switch (d.kind) {
    case 'secret':
      return [`${d.what}: ${d.length} bytes, secret (not shown)`];
    case 'bytes':
      return [`${d.what}: ${d.length} bytes${d.masked > 0 ? `, ${d.masked} masked` : ''}`];
    case 'fields':
      return d.fields.map((f) => `${f.name}: ${f.value}`);
    case 'fids':
      return d.entries.length === 1
        ? [`${d.what}: ${d.entries[0]?.fid} ${d.entries[0]?.meaning}`]
        : [`${d.what}:`, ...d.entries.map((e) => `  ${e.fid} ${e.meaning}`)];
    case 'tlv':
      return tlvLines(d);
  }
}

function commandLines(c: CommandAnnotation, note: string | undefined, perLine: number): string[] {
  const out = wrapHex('=> ', formatPattern(c.pattern), perLine);
  if (note !== undefined) out.push(`${INDENT}# ${note}`);
  out.push(`${INDENT}${c.name} · CLA ${c.cla.text} · ${c.params}`);
  out.push(`${INDENT}${c.lengths.text}${c.masked > 0 ? ` · ${c.masked} masked byte(s)` : ''}`);
  for (const l of renderData(c.data)) out.push(`${INDENT}${l}`);
  return out;
}

function responseLines(r: ResponseAnnotation, perLine: number): string[] {
  const out = wrapHex('<= ', formatPattern(r.pattern), perLine);
  const data = r.variable ? ' · variable-length data' : r.dataLength > 0 ? ` · ${r.dataLength} data bytes` : '';
  out.push(`${INDENT}${r.sw} ${r.swName}: ${r.meaning}${data}`);
  for (const l of renderData(r.data)) out.push(`${INDENT}${l}`);
  return out;
}

function exchangeLines(a: ExchangeAnnotation, perLine: number): string[] {
  const head = [`#${a.number}`, `line ${a.line}`];
  if (a.durationMs !== undefined) head.push(`${a.durationMs.toFixed(3)} ms`);
  return [head.join('  '), ...commandLines(a.command, a.note, perLine), ...responseLines(a.response, perLine)];
}

/** One annotation as text (no trailing newline). */
export function renderAnnotation(a: Annotation, options: RenderOptions = {}): string {
  const perLine = options.bytesPerLine ?? 24;
  const comments = (a.comments ?? []).map((c) => `# ${c}`);
  if (a.kind === 'reset') return [...comments, `reset${a.atr === undefined ? '' : `  ATR ${a.atr}`}  (line ${a.line})`].join('\n');
  return [...comments, ...exchangeLines(a, perLine)].join('\n');
}

/** All annotations, separated by empty lines, after an optional metadata block. */
export function renderAnnotations(
  list: readonly Annotation[],
  metadata: Readonly<Record<string, string>> = {},
  options: RenderOptions = {},
): string {
  const parts: string[] = [];
  const meta = Object.entries(metadata);
  if (meta.length > 0) parts.push(meta.map(([k, v]) => `${k}: ${v}`).join('\n'));
  for (const a of list) parts.push(renderAnnotation(a, options));
  return `${parts.join('\n\n')}\n`;
}
