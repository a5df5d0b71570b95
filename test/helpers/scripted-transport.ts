import type { Transport } from '../../src/transport/transport.ts';
import { spaced } from './apdu.ts';

/**
 * A strict, in-test Transport: it expects an exact sequence of command APDUs and answers each from
 * the script. An unexpected command (wrong bytes, or one too many) fails loudly, and the first failure
 * is remembered so that `assertConsumed()` re-raises it even if the code under test swallowed it.
 *
 *   const card = scripted([
 *     [apdu`00 A4 04 00 | 0B | ${AID} | 00`, apdu`62 03 85 01 00 | 90 00`],
 *     { expect: apdu`00 C0 00 00 10`, respond: apdu`6A 82`, gate: released },
 *     'reset',
 *   ]);
 *   …
 *   card.assertConsumed();
 */
export interface Exchange {
  /** The exact command bytes expected. */
  readonly expect: Uint8Array;
  /** The answer (data ‖ SW1 SW2), or an error the transport throws instead of answering. */
  readonly respond: Uint8Array | Error;
  /** When set, the answer is held back until this promise settles (to test overlap). */
  readonly gate?: Promise<unknown>;
}

export type ScriptEntry = Exchange | readonly [Uint8Array, Uint8Array | Error] | 'reset';

/** Thrown by the scripted transport itself: a test failure, never an error of the code under test. */
export class ScriptedTransportError extends Error {
  override name = 'ScriptedTransportError';
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class ScriptedTransport implements Transport {
  readonly name = 'scripted';
  readonly atr = new Uint8Array(0);
  /** Every command received, in order (copies). */
  readonly sent: Uint8Array[] = [];
  readonly #queue: ScriptEntry[];
  #step = 0;
  #failure: ScriptedTransportError | undefined;

  constructor(entries: readonly ScriptEntry[]) {
    this.#queue = [...entries];
  }

  #fail(message: string): never {
    const err = new ScriptedTransportError(`scripted transport, step ${this.#step}: ${message}`);
    this.#failure ??= err;
    throw err;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    this.#step++;
    const got = command.slice();
    this.sent.push(got);
    const next = this.#queue.shift();
    if (next === undefined) this.#fail(`unexpected command ${spaced(got)}: the script is exhausted`);
    if (next === 'reset') this.#fail(`expected a reset, got command ${spaced(got)}`);
    const ex: Exchange = Array.isArray(next) ? { expect: next[0], respond: next[1] } : (next as Exchange);
    if (!same(got, ex.expect)) this.#fail(`expected ${spaced(ex.expect)}\n  got      ${spaced(got)}`);
    if (ex.gate !== undefined) await ex.gate;
    if (ex.respond instanceof Error) throw ex.respond;
    return ex.respond.slice();
  }

  async reset(): Promise<void> {
    this.#step++;
    const next = this.#queue.shift();
    if (next !== 'reset') this.#fail(`unexpected reset (script expected ${next === undefined ? 'nothing' : 'a command'})`);
  }

  async close(): Promise<void> {}

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** Number of script entries not yet used. */
  get remaining(): number {
    return this.#queue.length;
  }

  /** Throws the first failure seen, or if entries are left over. Call at the end of every test. */
  assertConsumed(): void {
    if (this.#failure !== undefined) throw this.#failure;
    const next = this.#queue[0];
    if (next === undefined) return;
    const what = next === 'reset' ? 'reset' : spaced(Array.isArray(next) ? (next[0] as Uint8Array) : (next as Exchange).expect);
    throw new ScriptedTransportError(
      `scripted transport: ${this.#queue.length} entr${this.#queue.length === 1 ? 'y' : 'ies'} not consumed; next expected ${what}`,
    );
  }
}

/** Shorthand constructor. */
export function scripted(entries: readonly ScriptEntry[]): ScriptedTransport {
  return new ScriptedTransport(entries);
}
