import { createDebug } from '../transport/debug-log.ts';
import { fromHex, toHex } from '../apdu/hex.ts';
import type { Transport } from '../transport/transport.ts';
import { runUnshared } from '../transport/transport.ts';
import { TraceExhaustedError, TraceMismatchError, TraceNotConsumedError } from './errors.ts';
import { parseTrace } from './format.ts';
import { loadTraceFile } from './load.ts';
import { fillPattern, formatPattern, matchesPattern, type MaskFill } from './pattern.ts';
import type { Trace, TraceRecord } from './types.ts';

const log = createDebug('schsm:trace');

export interface ReplayOptions {
  /**
   * Strict (default): a command that does not match the next recorded one throws TraceMismatchError,
   * and a reset must be recorded where it happens. Non-strict: recorded responses are served in order
   * whatever is sent (mismatches are collected in `mismatches`), and resets are skipped or ignored.
   */
  readonly strict?: boolean;
  /** How masked response bytes (`..`) are made concrete: `zero` (default, deterministic) or `random`. */
  readonly fill?: MaskFill;
  /** Transport name (default `replay:<file>`). */
  readonly name?: string;
}

/** A transport that answers from a trace. */
export interface ReplayTransport extends Transport, AsyncDisposable {
  readonly trace: Trace;
  /** Records used so far. */
  readonly position: number;
  /** Records not used yet. */
  readonly remaining: number;
  /** Non-strict mode: the mismatches that were tolerated. */
  readonly mismatches: readonly TraceMismatchError[];
  /** Throw TraceNotConsumedError when recorded exchanges were not asked for. End every replay test with it. */
  assertConsumed(): void;
}

function describe(rec: TraceRecord | undefined): string {
  if (rec === undefined) return 'end of trace';
  return rec.kind === 'reset' ? 'reset' : formatPattern(rec.command);
}

/** Resolve the `source` argument: a Trace, trace text (has a line break or starts like a trace line), or a file path. */
function resolve(source: Trace | string): Trace {
  if (typeof source !== 'string') return source;
  const head = source.trimStart();
  if (source.includes('\n') || /^(#|=>|<=|reset\b)/i.test(head)) return parseTrace(source);
  return loadTraceFile(source);
}

/**
 * A Transport that serves the responses of a trace in order (see format.ts, "Replay"). Masks in
 * recorded commands match any byte, so a redacted PIN matches whatever PIN is sent; masks in recorded
 * responses are filled with 00 (or random bytes with `fill: 'random'`).
 */
export function createReplayTransport(source: Trace | string, options: ReplayOptions = {}): ReplayTransport {
  return new Replayer(resolve(source), options);
}

class Replayer implements ReplayTransport {
  readonly name: string;
  readonly protocol?: string;
  readonly trace: Trace;
  readonly mismatches: TraceMismatchError[] = [];
  private currentAtr: Uint8Array;
  private pos = 0;
  private readonly strict: boolean;
  private readonly fill: MaskFill;
  private readonly records: readonly TraceRecord[];
  private readonly file: string | undefined;

  constructor(trace: Trace, options: ReplayOptions) {
    this.trace = trace;
    this.records = trace.records;
    this.file = trace.source;
    this.strict = options.strict !== false;
    this.fill = options.fill ?? 'zero';
    this.name = options.name ?? `replay:${this.file ?? 'trace'}`;
    if (trace.metadata.protocol !== undefined) this.protocol = trace.metadata.protocol;
    this.currentAtr = trace.metadata.atr !== undefined ? fromHex(trace.metadata.atr) : new Uint8Array(0);
  }

  get atr(): Uint8Array {
    return this.currentAtr;
  }

  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.records.length - this.pos;
  }

  private lastLine(): number | undefined {
    return this.records[this.records.length - 1]?.line;
  }

  private mismatch(expected: string, actual: string): TraceMismatchError {
    return new TraceMismatchError(expected, actual, this.records[this.pos]?.line ?? 0, this.pos, this.file);
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (!this.strict) while (this.records[this.pos]?.kind === 'reset') this.pos++;
    const rec = this.records[this.pos];
    if (rec === undefined) throw new TraceExhaustedError(toHex(command, ' '), this.pos, this.lastLine(), this.file);
    if (rec.kind === 'reset') throw this.mismatch('reset', toHex(command, ' '));
    if (!matchesPattern(rec.command, command)) {
      const error = this.mismatch(formatPattern(rec.command), toHex(command, ' '));
      if (this.strict) throw error;
      this.mismatches.push(error);
      log('replay: tolerated mismatch at line %d', rec.line);
    }
    this.pos++;
    log('replay: line %d used (%d left)', rec.line, this.records.length - this.pos);
    return fillPattern(rec.response, this.fill);
  }

  async reset(): Promise<void> {
    const rec = this.records[this.pos];
    if (rec?.kind === 'reset') {
      this.pos++;
      if (rec.atr !== undefined) this.currentAtr = rec.atr;
      return;
    }
    if (!this.strict) return;
    if (rec === undefined) throw new TraceExhaustedError('reset', this.pos, this.lastLine(), this.file);
    throw this.mismatch(describe(rec), 'reset');
  }

  /** A recorded reconnect (the recorder writes it as a reset, with the new card's ATR). */
  reconnect(): Promise<void> {
    return this.reset();
  }

  async close(): Promise<void> {
    // Nothing to release; a replay stays usable (a command may close and reopen its card).
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return runUnshared(fn);
  }

  assertConsumed(): void {
    const rec = this.records[this.pos];
    if (rec !== undefined) throw new TraceNotConsumedError(this.records.length - this.pos, rec.line, describe(rec), this.file);
  }
}
