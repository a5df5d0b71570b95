import { SCHSM_VERSION } from '../../transport/version.ts';
import { annotateExchange, annotateReset } from '../annotate.ts';
import { TRACE_FORMAT_VERSION } from '../format.ts';
import { concretePattern, formatPattern } from '../pattern.ts';
import { formatComment, formatHeader, formatRecord } from '../print.ts';
import { exchangeRedactor, NOT_REDACTED, redactionSummary, redactPair, type TraceRedactOptions } from '../redaction.ts';
import { renderAnnotation } from '../render.ts';
import { exchangeRecord, resetRecord, type TraceExchange, type TraceRecord } from '../types.ts';
import type { SpyEvent } from './spy-protocol.ts';

/** Comments about garbled spy lines written before they are only counted. */
const GARBLED_COMMENTS = 10;
/** Readers whose ATR and name are kept (PC/SC readers on one machine; more are not remembered). */
const MAX_READERS = 64;

export interface LiveTraceOptions extends TraceRedactOptions {
  /** Receives the trace text (canonical form), a record at a time; absent: no file. */
  readonly write?: (text: string) => void;
  /** Receives the annotated view of each record (as `schsm trace show` prints it). */
  readonly show?: (text: string) => void;
  /** Extra header metadata after the standard keys. */
  readonly header?: Readonly<Record<string, string>>;
  /** Clock for the `date` header (tests). */
  readonly now?: () => Date;
}

export interface LiveTraceSummary {
  readonly exchanges: number;
  readonly resets: number;
  readonly failedTransmits: number;
  readonly garbledLines: number;
  readonly readers: readonly string[];
}

/**
 * A trace built while the traffic happens (`schsm trace capture`): every spy event (spy-protocol.ts)
 * becomes a record that is redacted first (unless `redact: false`), then written and shown, so the
 * text written so far never holds a secret, whenever the process stops. Nothing but the current
 * reader, the ATRs of at most MAX_READERS readers and the redactor's GET RESPONSE state is kept: memory
 * does not grow with the session.
 *
 * Resets are held back until an exchange follows (as the importers do). The reader and its ATR are
 * written as a comment before the first exchange with that reader; with several client threads, a
 * comment names the thread when it changes.
 */
export class LiveTrace {
  private readonly options: LiveTraceOptions;
  private readonly redactNext: ((rec: TraceExchange) => TraceExchange) | undefined;
  private readonly unwrap: boolean;
  private readonly atrs = new Map<string, Uint8Array>();
  private readonly readers: string[] = [];
  /** Several client threads have transmitted (the first one's id until then). */
  private firstThread: string | undefined;
  private multiThreaded = false;
  private reader: string | undefined;
  private thread: string | undefined;
  private pendingReset: string | undefined;
  /** Comments for the next record; `shown`: already printed on the terminal. */
  private comments: { text: string; shown: boolean }[] = [];
  private nextLine = 1;
  private first = true;
  private counts = { exchanges: 0, resets: 0, failedTransmits: 0, garbledLines: 0 };

  constructor(options: LiveTraceOptions) {
    this.options = options;
    this.unwrap = options.redactUnwrap === true;
    this.redactNext = options.redact === false ? undefined : exchangeRedactor(this.unwrap);
    const meta: Record<string, string> = {
      'trace-format': TRACE_FORMAT_VERSION,
      'captured-from': "pcsc-lite's spy library (libpcscspy)",
      schsm: SCHSM_VERSION,
      date: (options.now?.() ?? new Date()).toISOString(),
      redacted: this.redactNext === undefined ? NOT_REDACTED : redactionSummary(this.unwrap),
      ...options.header,
    };
    this.emit(formatHeader(['schsm APDU trace (live capture)', ...Object.entries(meta).map(([k, v]) => `${k}: ${v}`)]));
  }

  get summary(): LiveTraceSummary {
    return { ...this.counts, readers: [...this.readers] };
  }

  /** Take one spy event into the trace. */
  event(e: SpyEvent): void {
    switch (e.kind) {
      case 'atr':
        if (this.atrs.has(e.reader) || this.atrs.size < MAX_READERS) this.atrs.set(e.reader, e.atr);
        return;
      case 'connect':
        return;
      case 'reset':
        this.pendingReset ??= `${e.call}${e.reader === undefined ? '' : ` on ${e.reader}`}`;
        return;
      case 'garbled':
        if (this.counts.garbledLines++ < GARBLED_COMMENTS) this.note(`spy log: ${e.text} (left out)`);
        return;
      case 'transmit-failed': {
        this.counts.failedTransmits++;
        const shown =
          this.redactNext === undefined
            ? concretePattern(e.command)
            : redactPair(concretePattern(e.command), concretePattern(Uint8Array.of(0x90, 0)), this.unwrap).command;
        this.note(`SCardTransmit failed (${e.error}): ${formatPattern(shown)}`);
        return;
      }
      case 'exchange':
        this.exchange(e);
    }
  }

  private exchange(e: Extract<SpyEvent, { kind: 'exchange' }>): void {
    this.firstThread ??= e.thread;
    if (e.thread !== this.firstThread) this.multiThreaded = true;
    if (this.multiThreaded && e.thread !== this.thread) this.comment(`client thread ${e.thread}`);
    this.thread = e.thread;
    if (e.reader !== undefined && e.reader !== this.reader) {
      const atr = this.atrs.get(e.reader);
      this.comment(`reader ${e.reader}${atr === undefined ? '' : `, ATR ${formatPattern(concretePattern(atr))}`}`);
      if (!this.readers.includes(e.reader) && this.readers.length < MAX_READERS) this.readers.push(e.reader);
      this.reader = e.reader;
    }
    if (this.pendingReset !== undefined) {
      const atr = this.reader === undefined ? undefined : this.atrs.get(this.reader);
      this.record(resetRecord({ atr, note: `by ${this.pendingReset}` }));
      this.pendingReset = undefined;
      this.counts.resets++;
    }
    const raw = exchangeRecord({ command: concretePattern(e.command), response: concretePattern(e.response), durationMs: e.durationMs });
    this.counts.exchanges++;
    this.record(this.redactNext === undefined ? raw : this.redactNext(raw));
  }

  /** End of capture: a reset with no exchange after it and `trailer` become trailing comments. */
  finish(trailer: readonly string[] = []): LiveTraceSummary {
    if (this.pendingReset !== undefined) this.comment(`card reset by ${this.pendingReset} (no exchange after it)`);
    this.pendingReset = undefined;
    const lines = [...this.comments.map((c) => c.text), ...trailer];
    this.comments = [];
    if (lines.length > 0) this.emit(`${this.first ? '' : '\n'}${lines.map(formatComment).join('\n')}\n`);
    return this.summary;
  }

  /** A comment for the next record. */
  private comment(text: string): void {
    this.comments.push({ text, shown: false });
  }

  /** A comment for the next record, shown on the terminal at once (a failure should not wait for it). */
  private note(text: string): void {
    this.comments.push({ text, shown: true });
    this.options.show?.(`${formatComment(text)}\n`);
  }

  /** Write one record with the pending comments and show it annotated; line numbers are those of the written text. */
  private record(bare: TraceRecord): void {
    const pending = this.comments;
    this.comments = [];
    const rec: TraceRecord = pending.length === 0 ? bare : { ...bare, comments: pending.map((c) => c.text) };
    const text = formatRecord(rec, this.first);
    const lines = countLines(text);
    const at = this.nextLine + lines - (rec.kind === 'exchange' ? 2 : 1);
    const placed: TraceRecord = rec.kind === 'exchange' ? { ...rec, line: at, responseLine: at + 1 } : { ...rec, line: at };
    this.emit(text);
    this.first = false;
    if (this.options.show === undefined) return;
    const unshown = pending.filter((c) => !c.shown).map((c) => c.text);
    const viewed: TraceRecord = { ...placed, comments: unshown.length === 0 ? undefined : unshown };
    const shown = viewed.kind === 'exchange' ? annotateExchange(viewed, this.counts.exchanges) : annotateReset(viewed);
    this.options.show(`${renderAnnotation(shown)}\n\n`);
  }

  private emit(text: string): void {
    this.nextLine += countLines(text);
    this.options.write?.(text);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
