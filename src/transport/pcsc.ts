import { createDebug } from './debug-log.ts';
import type { DisposableTransport } from './transport.ts';
import { RefusedError, TransportTimeoutError } from './errors.ts';
import { PcscError, PCSC_CODE } from './pcsc-errors.ts';
import {
  CLOSE_QUIET_MS,
  pcscReleasedAtExit,
  SCARD_STATE,
  startDiscovery,
  stateNames,
  type Discovery,
  type WatchedReader,
} from './pcsc-binding.ts';
import { withCommandSizeLimit } from './command-size.ts';
import { connectReader, type PcscConnectOptions } from './pcsc-connection.ts';
import { selectReader } from './select-reader.ts';

export { selectReader };

const log = createDebug('schsm:transport');

/** A reader as `listReaders` reports it. */
export interface PcscReaderInfo {
  readonly name: string;
  /** Position in pcscd's reader list (what `--reader 0` and `opensc-tool -r 0` mean). */
  readonly index: number;
  readonly cardPresent: boolean;
  /** ATR of the card in the reader (empty without a card). */
  readonly atr: Uint8Array;
  /** SCARD_STATE_* flags that are set, e.g. ["PRESENT", "INUSE"]. */
  readonly state: readonly string[];
}

export interface ListReadersOptions {
  /** Hard cap on the whole discovery (default 3000 ms). */
  readonly timeoutMs?: number;
}

/**
 * Status events arrive per reader from their own threads: settle after this much quiet. Not only a
 * settle time: close() right after the first status can find a reader's status thread not yet back in
 * its blocking SCardGetStatusChange, and pcsclite's close gives SCardCancel only 5 × 10 ms before it
 * joins that thread, which then waits for the next reader event (with this wait removed, an ava worker
 * of test/transport/pcsc.test.ts failed to exit on a loaded machine). The release itself now waits
 * for quiet too, in the background (pcsc-binding.ts, releaseWhenQuiet). It cost `schsm readers` 40 ms; the
 * CLI now leaves the threads to the end of its process (pcsc-binding.ts, releasePcscAtExit), and settles as soon as every
 * reader has reported its status.
 */
const quietMs = (): number => (pcscReleasedAtExit() ? 0 : CLOSE_QUIET_MS);
/** pcsclite says nothing at all when there are no readers: give up waiting for one after this. */
const NO_READER_QUIET_MS = 300;

/** Resolve once `done()` holds (checked on every event and poll), reject on a PC/SC failure or at `timeoutMs`. */
function waitUntil(d: Discovery, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(cap);
      clearInterval(poll);
      off();
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = (): void => {
      const failure = d.failure();
      if (failure !== undefined) finish(failure);
      else if (done()) finish();
    };
    const cap = setTimeout(
      () => finish(new TransportTimeoutError(what, timeoutMs, 'is pcscd responsive? `schsm doctor` checks the PC/SC stack')),
      timeoutMs,
    );
    const poll = setInterval(check, 10);
    const off = d.onChange(check);
    check();
  });
}

/** Wait until every reader pcscd announced has reported its status and nothing changed for a moment. */
export async function settle(d: Discovery, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let last = Date.now();
  const off = d.onChange(() => (last = Date.now()));
  try {
    await waitUntil(
      d,
      () => {
        const quiet = Date.now() - last;
        if (d.readers.size === 0) return Date.now() - started >= NO_READER_QUIET_MS;
        return [...d.readers.values()].every((r) => r.status !== undefined) && quiet >= quietMs();
      },
      timeoutMs,
      'listing PC/SC readers',
    );
  } finally {
    off();
  }
}

function cardIn(r: WatchedReader): boolean {
  const s = r.status?.state ?? 0;
  return (s & SCARD_STATE.PRESENT) !== 0 && (s & SCARD_STATE.MUTE) === 0;
}

function infoOf(r: WatchedReader, index: number): PcscReaderInfo {
  const state = r.status?.state ?? 0;
  return {
    name: r.reader.name,
    index,
    cardPresent: (state & SCARD_STATE.PRESENT) !== 0,
    atr: Uint8Array.from(r.status?.atr ?? []),
    state: stateNames(state),
  };
}

/** The readers pcscd knows, with card presence and ATR. Bounded: never waits longer than `timeoutMs`. */
export async function listReaders(options: ListReadersOptions = {}): Promise<PcscReaderInfo[]> {
  const d = await startDiscovery();
  try {
    await settle(d, options.timeoutMs ?? 3000);
    return [...d.readers.values()].map(infoOf);
  } finally {
    d.close();
  }
}

/** What `openPcscTransport` chose when no reader was named: the reader, and every reader that held a card. */
export interface PcscChoice {
  readonly reader: string;
  readonly readersWithCard: readonly string[];
}

/**
 * No reader was named, more than one holds a card, and the caller may not guess (a command that erases
 * a device or spends a PIN try: schsm never guesses the device for those). `readers` are the candidates.
 */
export class AmbiguousCardError extends RefusedError {
  override name = 'AmbiguousCardError';
  readonly readers: readonly PcscReaderInfo[];
  constructor(readers: readonly PcscReaderInfo[]) {
    super(
      `${readers.length} cards are present (${readers.map((r) => `"${r.name}"`).join(', ')}) and no reader was named: schsm does not guess the card for a command that can erase a device or spend a PIN try (--reader chooses)`,
      `name the reader: ${readers.map((r) => `--reader ${r.index}`).join(' or ')}`,
      'ERR_SCHSM_AMBIGUOUS_CARD',
    );
    this.readers = readers;
  }
}

export interface OpenPcscOptions extends PcscConnectOptions {
  /** Reader name, a unique part of it (case-insensitive), or its index. Default: the first reader with a card. */
  readonly reader?: string;
  /** With no `reader`: refuse (AmbiguousCardError) when more than one reader holds a card, instead of taking the first. */
  readonly requireUniqueCard?: boolean;
  /** With no `reader`: told which reader was taken and which ones held a card (to say so when there were several). */
  readonly onChoice?: (choice: PcscChoice) => void;
  /** Wait this long for a card to be inserted (default 0: fail at once). */
  readonly waitForCardMs?: number;
  /** Cap on reader discovery (default 3000 ms). */
  readonly discoveryTimeoutMs?: number;
}

/**
 * No reader named: refuse when the caller must not guess among several cards, else report the choice.
 * Returns the readers that held a card (the candidates the choice was made among).
 */
function checkChoice(d: Discovery, chosen: WatchedReader, options: OpenPcscOptions): string[] {
  const names = [...d.readers.keys()];
  const withCard = [...d.readers.values()].filter(cardIn);
  if (options.requireUniqueCard === true && withCard.length > 1)
    throw new AmbiguousCardError(withCard.map((r) => infoOf(r, names.indexOf(r.reader.name))));
  const readersWithCard = withCard.map((r) => r.reader.name);
  options.onChoice?.({ reader: chosen.reader.name, readersWithCard });
  return readersWithCard;
}

/** Wait for the reader to exist (and hold a card); return it, and the candidates when none was named. */
async function chooseReader(d: Discovery, options: OpenPcscOptions): Promise<{ watched: WatchedReader; candidates: string[] }> {
  await settle(d, options.discoveryTimeoutMs ?? 3000);
  const names = (): string[] => [...d.readers.keys()];
  if (d.readers.size === 0) throw new PcscError('no PC/SC readers found', PCSC_CODE.SCARD_E_NO_READERS_AVAILABLE);
  const fixed = options.reader === undefined ? undefined : selectReader(names(), options.reader);
  const pick = (): WatchedReader | undefined => {
    if (fixed === undefined) return [...d.readers.values()].find(cardIn);
    const r = d.readers.get(fixed);
    return r !== undefined && cardIn(r) ? r : undefined;
  };
  const waitMs = options.waitForCardMs ?? 0;
  if (pick() === undefined && waitMs > 0) {
    log('waiting up to %d ms for a card in %s', waitMs, fixed ?? 'any reader');
    await waitUntil(
      d,
      () => pick() !== undefined,
      waitMs,
      `waiting for a card in ${fixed === undefined ? 'any reader' : `"${fixed}"`}`,
    ).catch((error: unknown) => {
      if (error instanceof TransportTimeoutError) return;
      throw error;
    });
  }
  const chosen = pick();
  if (chosen !== undefined) return { watched: chosen, candidates: fixed === undefined ? checkChoice(d, chosen, options) : [] };
  const where = fixed === undefined ? `any of ${d.readers.size} reader(s) (${names().join(', ')})` : `reader "${fixed}"`;
  throw new PcscError(`no card in ${where}${waitMs > 0 ? ` (waited ${waitMs} ms)` : ''}`, PCSC_CODE.SCARD_E_NO_SMARTCARD);
}

/**
 * Connect to the card in a reader: SHARED by default (other PC/SC clients keep working; use
 * `transport.exclusive(fn)` around multi-APDU operations), EXCLUSIVE with `exclusive: true`.
 */
export async function openPcscTransport(options: OpenPcscOptions = {}): Promise<DisposableTransport> {
  const d = await startDiscovery();
  let choice: { watched: WatchedReader; candidates: string[] };
  try {
    choice = await chooseReader(d, options);
  } catch (error) {
    d.close();
    throw error;
  }
  const { watched, candidates: guessedFrom } = choice;
  log('connecting to "%s" (%s)', watched.reader.name, options.exclusive === true ? 'exclusive' : 'shared');
  // on failure connectReader closes `d` itself, once nothing is outstanding
  const connected = await connectReader(d, watched, options);
  // several cards and none named: the guard refuses PIN tries and erases on this one (transport.ts)
  if (guessedFrom.length > 1) Object.defineProperty(connected, 'guessedFrom', { value: guessedFrom, enumerable: true });
  return withCommandSizeLimit(connected);
}
