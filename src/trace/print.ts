import { formatPattern } from './pattern.ts';
import type { Trace, TraceRecord } from './types.ts';

/** Writing traces in the canonical form of format.ts ("Canonical form"). */

/** `# text` (or `#` for an empty comment). */
export function formatComment(text: string): string {
  return text === '' ? '#' : `# ${text}`;
}

/** Milliseconds as the canonical timing field. */
export function formatDuration(ms: number): string {
  return `@${ms.toFixed(3)}ms`;
}

/** The canonical lines of one record (comments first). `first` suppresses the blank line before comments. */
export function formatRecord(rec: TraceRecord, first = false): string {
  let out = '';
  if (rec.comments !== undefined && rec.comments.length > 0) {
    if (!first) out += '\n';
    for (const c of rec.comments) out += `${formatComment(c)}\n`;
  }
  if (rec.kind === 'reset') {
    out += rec.atr === undefined ? 'reset' : `reset ${formatPattern({ bytes: rec.atr, masked: undefined, stars: undefined })}`;
    return `${out}${rec.note === undefined ? '' : `  # ${rec.note}`}\n`;
  }
  out += `=> ${formatPattern(rec.command)}${rec.note === undefined ? '' : `  # ${rec.note}`}\n`;
  out += `<= ${formatPattern(rec.response)}`;
  if (rec.durationMs !== undefined) out += ` ${formatDuration(rec.durationMs)}`;
  return `${out}${rec.responseNote === undefined ? '' : `  # ${rec.responseNote}`}\n`;
}

/** The header comment block (plus the empty line that ends it), or '' for no header. */
export function formatHeader(header: readonly string[]): string {
  if (header.length === 0) return '';
  return `${header.map(formatComment).join('\n')}\n\n`;
}

/** Canonical text of a trace. */
export function formatTrace(trace: Trace): string {
  const parts: string[] = [formatHeader(trace.header)];
  // Without a header, comments at the very top would read back as a header: start with an empty line.
  const afterHeader = trace.header.length > 0;
  for (const [i, r] of trace.records.entries()) parts.push(formatRecord(r, i === 0 && afterHeader));
  if (trace.trailer.length > 0) {
    const gap = trace.records.length > 0 || !afterHeader ? '\n' : '';
    parts.push(`${gap}${trace.trailer.map(formatComment).join('\n')}\n`);
  }
  return parts.join('');
}
