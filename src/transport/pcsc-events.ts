/**
 * Reader and card events from PC/SC: pcsclite runs SCardGetStatusChange in a thread per reader (and
 * one on the reader list) and emits `reader`, `status` and `end`; `watchCards` turns them into
 * CardEvents (card-events.ts), as pyscard's ReaderMonitor/CardMonitor do. The readers and cards
 * present at the start are reported first (reader-added, card-inserted), then every change.
 */
import { createDebug } from './debug-log.ts';
import { createCardEventSource, type CardMonitor } from './card-events.ts';
import { TransportTimeoutError } from './errors.ts';
import { SCARD_STATE, startDiscovery, type WatchedReader } from './pcsc-binding.ts';
import { settle } from './pcsc.ts';

const log = createDebug('schsm:transport');

export interface WatchCardsOptions {
  /** Only this reader (exact name); default every reader. */
  readonly reader?: string;
  /** Cap on learning the initial state before `watchCards` resolves (default 3000 ms). */
  readonly timeoutMs?: number;
}

/** What the monitor last reported of one reader. */
interface Seen {
  /** ATR of the card reported inserted, undefined when empty (or no status yet). */
  atr: string | undefined;
}

function presentAtr(w: WatchedReader): string | undefined {
  const s = w.status;
  if (s === undefined) return undefined;
  if ((s.state & SCARD_STATE.PRESENT) === 0 || (s.state & SCARD_STATE.MUTE) !== 0) return undefined;
  return Buffer.from(s.atr ?? []).toString('hex');
}

/**
 * Watch the PC/SC readers: an async iterable (and emitter, `on`) of reader-added, reader-removed,
 * card-inserted and card-removed. Close it (or `await using`) to release the PC/SC context; a lost
 * PC/SC service ends the iteration with its PcscError.
 *
 *   await using monitor = await watchCards();
 *   for await (const e of monitor) if (e.type === 'card-removed') console.log(`card pulled from ${e.reader}`);
 */
export async function watchCards(options: WatchCardsOptions = {}): Promise<CardMonitor> {
  const d = await startDiscovery();
  // the state at the start first: a card pulled right after watchCards resolves is then a removal
  try {
    await settle(d, options.timeoutMs ?? 3000);
  } catch (error) {
    d.close();
    throw error;
  }
  const seen = new Map<string, Seen>();
  const source = createCardEventSource(
    () => d.close(),
    (ms) => new TransportTimeoutError(`waiting for a card event${options.reader === undefined ? '' : ` in "${options.reader}"`}`, ms),
  );
  const update = (): void => {
    const failure = d.failure();
    if (failure !== undefined) {
      source.end(failure);
      d.close();
      return;
    }
    for (const [name, w] of d.readers) {
      if (options.reader !== undefined && name !== options.reader) continue;
      let s = seen.get(name);
      if (s === undefined) {
        s = { atr: undefined };
        seen.set(name, s);
        source.emit({ type: 'reader-added', reader: name });
      }
      const atr = presentAtr(w);
      if (atr === s.atr) continue;
      if (s.atr !== undefined) source.emit({ type: 'card-removed', reader: name });
      s.atr = atr;
      if (atr !== undefined) source.emit({ type: 'card-inserted', reader: name, atr: Uint8Array.from(Buffer.from(atr, 'hex')) });
      log('reader "%s": %s', name, atr === undefined ? 'empty' : `card ${atr}`);
    }
    for (const [name, s] of [...seen]) {
      if (d.readers.has(name)) continue;
      if (s.atr !== undefined) source.emit({ type: 'card-removed', reader: name });
      seen.delete(name);
      source.emit({ type: 'reader-removed', reader: name });
    }
  };
  d.onChange(update);
  update();
  return source.monitor;
}
