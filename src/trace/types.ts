import type { HexPattern } from './pattern.ts';

/** One `=>` / `<=` pair of a trace. Line numbers are 1-based lines of the source text. */
export interface TraceExchange {
  readonly kind: 'exchange';
  readonly command: HexPattern;
  readonly response: HexPattern;
  /** Line of the `=>`. */
  readonly line: number;
  /** Line of the `<=`. */
  readonly responseLine: number;
  /** Time from command to response (`@…` field), in milliseconds. */
  readonly durationMs: number | undefined;
  /** Trailing `# note` of the `=>` line. */
  readonly note: string | undefined;
  /** Trailing `# note` of the `<=` line. */
  readonly responseNote: string | undefined;
  /** Comment lines (text after `#` and one blank) between the previous record and this one. */
  readonly comments: readonly string[] | undefined;
}

/** A `reset` line: the card was reset and answered `atr` (when recorded). */
export interface TraceReset {
  readonly kind: 'reset';
  readonly line: number;
  readonly atr: Uint8Array | undefined;
  readonly note: string | undefined;
  readonly comments: readonly string[] | undefined;
}

export type TraceRecord = TraceExchange | TraceReset;

/** A parsed trace. */
export interface Trace {
  /** `# key: value` lines of the header: keys lower-case, repeated keys joined with "; ". */
  readonly metadata: Readonly<Record<string, string>>;
  /** Every header comment line in order (text after `#` and one blank), metadata lines included. */
  readonly header: readonly string[];
  readonly records: readonly TraceRecord[];
  /** Comment lines after the last record. */
  readonly trailer: readonly string[];
  /** File name used in error messages, when known. */
  readonly source: string | undefined;
}

/** Build an exchange record (fills the optional fields with undefined, keeping one object shape). */
export function exchangeRecord(fields: {
  command: HexPattern;
  response: HexPattern;
  line?: number;
  responseLine?: number;
  durationMs?: number | undefined;
  note?: string | undefined;
  responseNote?: string | undefined;
  comments?: readonly string[] | undefined;
}): TraceExchange {
  return {
    kind: 'exchange',
    command: fields.command,
    response: fields.response,
    line: fields.line ?? 0,
    responseLine: fields.responseLine ?? fields.line ?? 0,
    durationMs: fields.durationMs,
    note: fields.note,
    responseNote: fields.responseNote,
    comments: fields.comments,
  };
}

/** Build a reset record. */
export function resetRecord(
  fields: { line?: number; atr?: Uint8Array | undefined; note?: string | undefined; comments?: readonly string[] | undefined } = {},
): TraceReset {
  return { kind: 'reset', line: fields.line ?? 0, atr: fields.atr, note: fields.note, comments: fields.comments };
}

/** Build a trace; `header` lines are derived from `metadata` when not given. */
export function makeTrace(fields: {
  records: readonly TraceRecord[];
  metadata?: Readonly<Record<string, string>>;
  header?: readonly string[];
  trailer?: readonly string[];
  source?: string | undefined;
}): Trace {
  const metadata = fields.metadata ?? {};
  const header = fields.header ?? Object.entries(metadata).map(([k, v]) => `${k}: ${v}`);
  return { metadata, header, records: fields.records, trailer: fields.trailer ?? [], source: fields.source };
}

/** The exchanges of a trace (resets left out). */
export function exchangesOf(trace: Trace): TraceExchange[] {
  return trace.records.filter((r): r is TraceExchange => r.kind === 'exchange');
}
