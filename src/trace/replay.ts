import createDebug from 'debug';
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
export interface ReplayTransport extends Transport {
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
  const trace = resolve(source);
  const strict = options.strict !== false;
  const fill = options.fill ?? 'zero';
  const file = trace.source;
  const records = trace.records;
  const mismatches: TraceMismatchError[] = [];
  let pos = 0;
  let atr = trace.metadata.atr !== undefined ? fromHex(trace.metadata.atr) : new Uint8Array(0);
  const lastLine = (): number | undefined => records[records.length - 1]?.line;

  const mismatch = (expected: string, actual: string): TraceMismatchError => {
    const rec = records[pos];
    return new TraceMismatchError(expected, actual, rec?.line ?? 0, pos, file);
  };

  const transport: ReplayTransport = {
    name: options.name ?? `replay:${file ?? 'trace'}`,
    get atr() {
      return atr;
    },
    ...(trace.metadata.protocol !== undefined ? { protocol: trace.metadata.protocol } : {}),
    trace,
    get position() {
      return pos;
    },
    get remaining() {
      return records.length - pos;
    },
    mismatches,
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      if (!strict) while (records[pos]?.kind === 'reset') pos++;
      const rec = records[pos];
      if (rec === undefined) throw new TraceExhaustedError(toHex(command, ' '), pos, lastLine(), file);
      if (rec.kind === 'reset') throw mismatch('reset', toHex(command, ' '));
      if (!matchesPattern(rec.command, command)) {
        const error = mismatch(formatPattern(rec.command), toHex(command, ' '));
        if (strict) throw error;
        mismatches.push(error);
        log('replay: tolerated mismatch at line %d', rec.line);
      }
      pos++;
      log('replay: line %d used (%d left)', rec.line, records.length - pos);
      return fillPattern(rec.response, fill);
    },
    async reset(): Promise<void> {
      const rec = records[pos];
      if (rec?.kind === 'reset') {
        pos++;
        if (rec.atr !== undefined) atr = rec.atr;
        return;
      }
      if (!strict) return;
      if (rec === undefined) throw new TraceExhaustedError('reset', pos, lastLine(), file);
      throw mismatch(describe(rec), 'reset');
    },
    async close(): Promise<void> {
      // Nothing to release; a replay stays usable (a command may close and reopen its card).
    },
    exclusive: runUnshared,
    assertConsumed(): void {
      const rec = records[pos];
      if (rec !== undefined) throw new TraceNotConsumedError(records.length - pos, rec.line, describe(rec), file);
    },
  };
  return transport;
}
