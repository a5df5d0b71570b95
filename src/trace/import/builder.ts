import { TRACE_FORMAT_VERSION } from '../format.ts';
import { concretePattern } from '../pattern.ts';
import { exchangeRecord, makeTrace, resetRecord, type Trace, type TraceRecord } from '../types.ts';

/**
 * Collects what an importer finds into a Trace: exchanges with their source line numbers, comments
 * for the next record, and resets. A reset is held back until an exchange follows it (several reset
 * signs in a row count once; a reset after the last exchange becomes a trailing comment), so that an
 * imported session replays without a dangling `reset`.
 */
export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  readonly metadata: Record<string, string>;
  private comments: string[] | undefined;
  private pendingReset: { line: number; atr: Uint8Array | undefined } | undefined;

  constructor(importedFrom: string, source: string | undefined) {
    this.metadata = { 'trace-format': TRACE_FORMAT_VERSION, 'imported-from': importedFrom };
    if (source !== undefined) this.metadata.source = source;
  }

  /** Set a metadata value unless it is already known (the first occurrence in a log wins). */
  meta(key: string, value: string | undefined): void {
    if (value !== undefined && value !== '' && this.metadata[key] === undefined) this.metadata[key] = value;
  }

  /** A comment placed before the next record. */
  comment(text: string): void {
    (this.comments ??= []).push(text);
  }

  /** The card was reset at `line` (answering `atr`, when the log shows it). */
  reset(line: number, atr?: Uint8Array): void {
    if (this.pendingReset === undefined) this.pendingReset = { line, atr };
    else if (atr !== undefined) this.pendingReset.atr = atr;
  }

  /** A held-back reset with no exchange after it (end of a thread or of the log) becomes a comment. */
  settleReset(): void {
    if (this.pendingReset !== undefined) this.comment(`card reset at source line ${this.pendingReset.line} (no exchange after it)`);
    this.pendingReset = undefined;
  }

  get exchangeCount(): number {
    let n = 0;
    for (const r of this.records) if (r.kind === 'exchange') n++;
    return n;
  }

  exchange(
    command: readonly number[] | Uint8Array,
    response: readonly number[] | Uint8Array,
    line: number,
    responseLine: number,
    durationMs?: number,
  ): void {
    if (this.pendingReset !== undefined) {
      this.records.push(resetRecord({ line: this.pendingReset.line, atr: this.pendingReset.atr, comments: this.take() }));
      this.pendingReset = undefined;
    }
    this.records.push(
      exchangeRecord({
        command: concretePattern(Uint8Array.from(command)),
        response: concretePattern(Uint8Array.from(response)),
        line,
        responseLine,
        durationMs,
        comments: this.take(),
      }),
    );
  }

  private take(): string[] | undefined {
    const c = this.comments;
    this.comments = undefined;
    return c;
  }

  build(source: string | undefined): Trace {
    this.settleReset();
    return makeTrace({ records: this.records, metadata: ordered(this.metadata), trailer: this.take() ?? [], source });
  }
}

const ORDER = ['trace-format', 'imported-from', 'source', 'reader', 'atr', 'protocol', 'timing'];

/** Metadata with the well-known keys first, in a fixed order, so that imports of similar logs diff well. */
function ordered(meta: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ORDER) if (meta[k] !== undefined) out[k] = meta[k];
  for (const [k, v] of Object.entries(meta)) if (out[k] === undefined) out[k] = v;
  return out;
}
