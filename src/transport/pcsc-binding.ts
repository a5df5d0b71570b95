import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import path from 'node:path';
import { type PcscError, PcscUnavailableError, pcscErrorFrom } from './pcsc-errors.ts';

/**
 * Releasing a PC/SC discovery (its context and one status thread per reader) in a program that ends
 * right after its work: the schsm CLI (issue 11 item 3).
 *
 * WHY: pcsclite's `close()` of a reader cancels the reader's status thread (SCardCancel) at most 5
 * times, 10 ms apart, and then joins it, on the main thread. A cancel that arrives before the thread
 * is back in its blocking SCardGetStatusChange is lost (pcsc-lite cancels only a registered waiter),
 * and the join then waits for the next reader event: a hang. So a discovery is released only after its
 * status threads have been quiet for a while (`releaseWhenQuiet`, in the background), and `listReaders`
 * answers only after CLOSE_QUIET_MS of quiet, which cost every `schsm readers` and `schsm apdu
 * --reader` 40 ms.
 *
 * With `releasePcscAtExit()` (bin.ts's main, nowhere else), closing a discovery does not release it
 * at once: the process ends soon, and its end releases the context and the threads at no cost (pcscd
 * cleans up after a client that has gone; the card was already disconnected by the transport's close).
 * Only the last closed discovery is kept: closing another one releases the previous one, once its
 * threads have been quiet long enough, so a long session (the explorer, `sim`) holds at most one.
 * main() then ends the process itself (`pcscLeftForExit()`), since the kept threads would keep it
 * alive. The library, and every test that runs commands in process, release in the background once
 * the threads are quiet (`releaseWhenQuiet`).
 */

/** A status thread that reported nothing for this long is back in SCardGetStatusChange: its cancel is not lost. */
export const CLOSE_QUIET_MS = 40;

/**
 * How long a discovery's status threads must have reported nothing before `releaseWhenQuiet` releases
 * it. Longer than CLOSE_QUIET_MS (the wait `listReaders` pays before it answers) because nobody waits
 * for a release: a lost cancel, by contrast, blocks the main thread until the next card or reader
 * event, which may never come (an ava worker of the full suite hung ten minutes so in CI, after all its
 * tests had passed). Events are not only ours: another process inserting or removing a card wakes
 * every client's status thread for that reader.
 */
export const RELEASE_QUIET_MS = 100;

/**
 * A reader that never stops reporting (a flapping contact) is released after this long anyway: its
 * events are then frequent, so a lost cancel holds the join only until the next one.
 */
export const RELEASE_MAX_WAIT_MS = 2000;

let atExit = false;
let kept: { readonly release: () => void; readonly lastEvent: () => number } | undefined;

/** From now on, discoveries are released by the end of the process (see above). For a program's main only. */
export function releasePcscAtExit(): void {
  atExit = true;
}

/** Discoveries are released by the end of the process. */
export function pcscReleasedAtExit(): boolean {
  return atExit;
}

/** A discovery was closed but left to the end of the process: main() must end it. */
export function pcscLeftForExit(): boolean {
  return kept !== undefined;
}

/**
 * Release `release` once nothing happened for `quietMs` since `lastEvent()` (or after
 * RELEASE_MAX_WAIT_MS at most); never synchronously. The
 * quiet is checked again after every wait (an event meanwhile starts the wait again), and once more
 * from setImmediate: a status thread's report that is already queued (pcsclite's uv_async, run in the
 * event loop's poll phase) is then counted before the release, not after it.
 */
export function releaseWhenQuiet(release: () => void, lastEvent: () => number, quietMs = RELEASE_QUIET_MS): void {
  const giveUpAt = Date.now() + RELEASE_MAX_WAIT_MS;
  const attempt = (): void => {
    const wait = Math.min(quietMs - (Date.now() - lastEvent()), giveUpAt - Date.now());
    if (wait > 0) {
      setTimeout(attempt, wait);
      return;
    }
    setImmediate(() => {
      if (Date.now() - lastEvent() >= quietMs || Date.now() >= giveUpAt) release();
      else attempt();
    });
  };
  attempt();
}

/** Keep this discovery for the end of the process; release the one kept before. */
export function keepForExit(release: () => void, lastEvent: () => number): void {
  const before = kept;
  kept = { release, lastEvent };
  if (before !== undefined) releaseWhenQuiet(before.release, before.lastEvent);
}

/**
 * The slice of the npm `pcsclite` binding that schsm uses (its own typings do not export these).
 * Loaded lazily: `schsm --help`, the simulator and the trace tools must work without libpcsclite.
 */
export interface PcscReaderStatus {
  readonly state: number;
  readonly atr?: Buffer;
}

export interface PcscReader extends EventEmitter {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_PROTOCOL_RAW: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  readonly SCARD_UNPOWER_CARD: number;
  connect(options: { share_mode: number; protocol: number }, cb: (err: Error | null | undefined, protocol?: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null | undefined, response: Buffer) => void): void;
  close(): void;
}

export interface PcscContext extends EventEmitter {
  close(): void;
}

type PcscFactory = () => PcscContext;

let factory: Promise<PcscFactory> | undefined;

/**
 * The binding's package name, held in a variable so that TypeScript does not resolve it at build time:
 * `pcsclite` is an optional dependency that npm leaves out where libpcsclite's headers are missing,
 * and schsm must still build and run (simulator, traces, offline commands) there.
 */
const BINDING: string = 'pcsclite';

/**
 * Load the binding once; a failure is a PcscUnavailableError saying what to install. With require(), not
 * import(): the binding is CommonJS, and import() would first scan its source for named exports
 * (cjs-module-lexer), ~4 ms of every `schsm readers` (issue 11 item 3). Resolved from this file, so
 * from the package's own node_modules whether this is dist/transport/ or the CLI bundle dist/bundle/.
 */
export async function loadPcsc(): Promise<PcscFactory> {
  factory ??= (async () => {
    let mod: unknown;
    try {
      const req = createRequire(import.meta.url);
      answerBindings(req);
      mod = req(BINDING);
    } catch (error) {
      throw new PcscUnavailableError(error);
    }
    const m = mod as PcscFactory | { default?: PcscFactory };
    const f = typeof m === 'function' ? m : m.default;
    if (typeof f !== 'function') throw new PcscUnavailableError(new Error('the pcsclite module exports no function'));
    return f;
  })();
  return factory;
}

/**
 * pcsclite finds its compiled addon through the `bindings` package, which is loaded, reads a stack trace
 * for the caller's directory and tries build directories in turn: ~2 ms of every `schsm readers` and
 * `schsm apdu --reader` (issue 11 item 3). When the addon is where npm's build puts it
 * (build/Release/pcsclite.node), the module cache answers pcsclite's `require('bindings')` with a
 * function that loads that file; another name, or any other layout, goes to the real package.
 */
function answerBindings(req: NodeJS.Require): void {
  let id: string;
  let addon: string;
  try {
    const main = req.resolve(BINDING);
    addon = path.join(path.dirname(main), 'build', 'Release', `${BINDING}.node`);
    if (!existsSync(addon)) return;
    id = createRequire(main).resolve('bindings');
  } catch {
    return; // pcsclite or bindings missing: the require below says so
  }
  if (req.cache[id] !== undefined) return;
  const m = new Module(id);
  m.filename = id;
  m.loaded = true;
  m.exports = (name: unknown): unknown => {
    if (name === BINDING || name === `${BINDING}.node`) return req(addon);
    delete req.cache[id];
    return (req(id) as (n: unknown) => unknown)(name);
  };
  req.cache[id] = m;
}

/** SCARD_STATE_* bits (pcsclite.h); bits 16..31 are pcsc-lite's event counter. */
export const SCARD_STATE = {
  IGNORE: 0x0001,
  CHANGED: 0x0002,
  UNKNOWN: 0x0004,
  UNAVAILABLE: 0x0008,
  EMPTY: 0x0010,
  PRESENT: 0x0020,
  ATRMATCH: 0x0040,
  EXCLUSIVE: 0x0080,
  INUSE: 0x0100,
  MUTE: 0x0200,
  UNPOWERED: 0x0400,
} as const;

/** Names of the state bits that are set ("PRESENT", "INUSE", …), without CHANGED. */
export function stateNames(state: number): string[] {
  return Object.entries(SCARD_STATE)
    .filter(([name, bit]) => name !== 'CHANGED' && (state & bit) !== 0)
    .map(([name]) => name);
}

/** A reader as seen during discovery, with its latest status. */
export interface WatchedReader {
  readonly reader: PcscReader;
  status: PcscReaderStatus | undefined;
}

/**
 * A PC/SC context with its reader watchers (pcsclite starts one status thread per reader). Everything
 * is released by `close()`; `changed` is called on every reader or status event.
 */
export interface Discovery {
  readonly readers: Map<string, WatchedReader>;
  /** The first context-level error (pcscd went away), if any. */
  readonly failure: () => PcscError | undefined;
  onChange(listener: () => void): () => void;
  close(): void;
}

export async function startDiscovery(): Promise<Discovery> {
  const pcsc = await loadPcsc();
  let ctx: PcscContext;
  try {
    ctx = pcsc();
  } catch (error) {
    throw pcscErrorFrom(error, 'SCardEstablishContext');
  }
  const readers = new Map<string, WatchedReader>();
  const listeners = new Set<() => void>();
  let lastEvent = Date.now();
  const changed = (): void => {
    lastEvent = Date.now();
    for (const l of listeners) l();
  };
  let failure: PcscError | undefined;
  ctx.on('error', (error: unknown) => {
    failure ??= pcscErrorFrom(error, 'SCardListReaders');
    changed();
  });
  ctx.on('reader', (reader: PcscReader) => {
    const watched: WatchedReader = { reader, status: undefined };
    readers.set(reader.name, watched);
    reader.on('error', () => undefined); // status-thread errors show up as failed calls, with context
    reader.on('status', (status: PcscReaderStatus) => {
      watched.status = status;
      changed();
    });
    reader.on('end', () => {
      readers.delete(reader.name);
      changed();
    });
    changed();
  });
  let closed = false;
  return {
    readers,
    failure: () => failure,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => {
      if (closed) return;
      closed = true;
      listeners.clear();
      const release = (): void => {
        for (const { reader } of readers.values()) reader.close();
        ctx.close();
      };
      // a program about to end leaves the status threads to its end (releasePcscAtExit above says why);
      // anything else releases them once they have been quiet long enough to be cancelled safely
      if (pcscReleasedAtExit()) keepForExit(release, () => lastEvent);
      else releaseWhenQuiet(release, () => lastEvent);
    },
  };
}
