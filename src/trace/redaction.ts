import { commandSecrets, ExchangeRedactor, redactedSummary, responseSecrets, type Redaction } from '../transport/redact.ts';
import { maskRanges, type HexPattern } from './pattern.ts';
import type { Trace, TraceExchange, TraceRecord } from './types.ts';

/**
 * Trace redaction: the rules of `transport/redact.ts` (the one place that knows which APDU bytes are
 * secret) applied to trace records. Redaction keeps lengths: every secret byte becomes `..`.
 */
export interface TraceRedactOptions {
  /** Hide secrets (default true). `false` keeps PINs, SO-PINs, DKEK shares and decrypted data in clear. */
  readonly redact?: boolean;
  /** Also hide UNWRAP KEY blobs and their staging writes to EF 2F10. */
  readonly redactUnwrap?: boolean;
}

/** The `redacted:` header value of a redacted trace (from the table of secret instructions). */
export function redactionSummary(unwrap: boolean): string {
  return `${redactedSummary({ unwrap }).join(', ')}; each hidden byte is shown as ..`;
}

/** The `redacted:` header value of a trace recorded or imported with redaction off. */
export const NOT_REDACTED =
  'NOTHING - this file contains PINs, SO-PINs, DKEK shares, decrypted data and card random in clear (recorded with redaction off); keep it secret';

/** The warning printed when a trace is written without redaction. */
export const NOT_REDACTED_WARNING =
  'warning: redaction is off: the trace will contain PINs, SO-PINs, DKEK shares, decrypted data and card random in clear; keep the file secret (mode 0600)';

export interface RedactedPair {
  readonly command: HexPattern;
  readonly response: HexPattern;
  /** What was hidden, e.g. ["PIN (VERIFY)"]; empty when nothing was. */
  readonly what: readonly string[];
}

function applySecrets(command: HexPattern, response: HexPattern, cmd: Redaction[], resp: Redaction[]): RedactedPair {
  if (cmd.length === 0 && resp.length === 0) return { command, response, what: [] };
  const what = [...new Set([...cmd, ...resp].map((r) => r.what))];
  return { command: maskRanges(command, cmd), response: maskRanges(response, resp), what };
}

/** Mask the secrets of one exchange on its own. Patterns containing `*` are left as they are. */
export function redactPair(command: HexPattern, response: HexPattern, unwrap = false): RedactedPair {
  const cmdSecrets: Redaction[] = command.stars === undefined ? commandSecrets(command.bytes, { unwrap }) : [];
  const respSecrets: Redaction[] =
    command.stars === undefined && response.stars === undefined ? responseSecrets(command.bytes, response.bytes) : [];
  return applySecrets(command, response, cmdSecrets, respSecrets);
}

function noted(rec: TraceExchange, r: RedactedPair): TraceExchange {
  if (r.what.length === 0) return rec;
  const tag = `redacted: ${r.what.join(', ')}`;
  const note = rec.note === undefined || rec.note.startsWith('redacted:') ? tag : `${rec.note}; ${tag}`;
  return { ...rec, command: r.command, response: r.response, note };
}

/** Redact one exchange record on its own; the note of the `=>` line says what was hidden. */
export function redactExchange(rec: TraceExchange, unwrap = false): TraceExchange {
  return noted(rec, redactPair(rec.command, rec.response, unwrap));
}

/**
 * Redact the exchanges of one stream in order (GET RESPONSE answers continuing a secret response are
 * hidden too; see ExchangeRedactor). One per recording, import or display.
 */
export function exchangeRedactor(unwrap = false): (rec: TraceExchange) => TraceExchange {
  const redactor = new ExchangeRedactor({ unwrap });
  return (rec) => {
    if (rec.command.stars !== undefined || rec.response.stars !== undefined) return redactExchange(rec, unwrap);
    const s = redactor.next(rec.command.bytes, rec.response.bytes);
    return noted(rec, applySecrets(rec.command, rec.response, s.command, s.response));
  };
}

/**
 * Redact every exchange of a trace and set its `redacted` metadata. With `redact: false` the trace is
 * returned with metadata saying that it holds secrets.
 */
export function redactTrace(trace: Trace, options: TraceRedactOptions = {}): Trace {
  const on = options.redact ?? true;
  const unwrap = options.redactUnwrap ?? false;
  const redact = exchangeRedactor(unwrap);
  const records: TraceRecord[] = on ? trace.records.map((r) => (r.kind === 'exchange' ? redact(r) : r)) : [...trace.records];
  const value = on ? redactionSummary(unwrap) : NOT_REDACTED;
  const metadata = { ...trace.metadata, redacted: value };
  const header = trace.header.some((l) => /^redacted:/i.test(l))
    ? trace.header.map((l) => (/^redacted:/i.test(l) ? `redacted: ${value}` : l))
    : [...trace.header, `redacted: ${value}`];
  return { ...trace, metadata, header, records };
}
