import { createDebug } from './debug-log.ts';
import { disposable, type DisposableTransport, type ReconnectOptions } from './transport.ts';
import { TransportError, TransportTimeoutError } from './errors.ts';
import { PcscError, pcscErrorFrom, PCSC_CODE, SERVICE_LOST } from './pcsc-errors.ts';
import { SCARD_STATE, type Discovery, type PcscReader, type WatchedReader } from './pcsc-binding.ts';

const log = createDebug('schsm:transport');

export interface PcscConnectOptions {
  /** Connect EXCLUSIVE for the whole session (default SHARED). */
  readonly exclusive?: boolean;
  /** Cap on one SCardTransmit (default 180 s: RSA-4096 key generation on a real card takes minutes). */
  readonly transmitTimeoutMs?: number;
  /** Cap on SCardConnect / SCardDisconnect (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** How long `exclusive(fn)` keeps retrying while another client holds the card (default 5 s). */
  readonly exclusiveWaitMs?: number;
  /** SCardTransmit receive buffer (default RECEIVE_BUFFER; smaller only to measure its cost). */
  readonly receiveBufferBytes?: number;
}

/**
 * Receive buffer for SCardTransmit: Ne up to 65536 plus SW1 SW2. The binding allocates it per call
 * (one malloc/free of 64 KiB; measured: no difference to a 258-byte buffer, see bench/transport).
 */
export const RECEIVE_BUFFER = 65536 + 2;

/** Promise around a binding callback, bounded by `ms` (a hung pcscd must not hang schsm). */
function call<T>(
  op: string,
  reader: string,
  ms: number,
  start: (cb: (err: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new TransportTimeoutError(
            `${op} on "${reader}"`,
            ms,
            'the reader or pcscd stopped answering; re-plug the reader or restart pcscd',
          ),
        ),
      ms,
    );
    start((err, value) => {
      clearTimeout(timer);
      if (err !== null && err !== undefined) reject(pcscErrorFrom(err, op, reader));
      else resolve(value as T);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Binding operations whose callback has not fired yet (a timed-out call's operation still runs in
 * libuv's thread pool, holding the reader's mutex). WHY: the binding's `reader.close()` takes that
 * mutex synchronously on the JS main thread. If the card is served from this very process (`serveVpcd`),
 * the outstanding SCardTransmit waits for an answer that only the blocked main thread can give: a
 * deadlock. So the discovery context is closed only once nothing is outstanding.
 */
function createOutstanding(): {
  wrap<T>(start: (cb: (err: Error | null | undefined, value?: T) => void) => void): typeof start;
  whenIdle(fn: () => void): void;
} {
  let count = 0;
  let idle: (() => void) | undefined;
  return {
    wrap: (start) => (cb) => {
      count++;
      start((err, value) => {
        count--;
        cb(err, value);
        if (count === 0 && idle !== undefined) {
          const fn = idle;
          idle = undefined;
          fn();
        }
      });
    },
    whenIdle: (fn) => {
      if (count === 0) fn();
      else idle = fn;
    },
  };
}

/** Failures that mean "the card did not answer", which is also how a just-pulled card looks. */
const LINK_FAILURES: ReadonlySet<number> = new Set([
  PCSC_CODE.SCARD_E_NOT_TRANSACTED,
  PCSC_CODE.SCARD_E_COMM_DATA_LOST,
  PCSC_CODE.SCARD_F_COMM_ERROR,
  PCSC_CODE.SCARD_W_UNPOWERED_CARD,
  PCSC_CODE.SCARD_W_UNRESPONSIVE_CARD,
]);

/** pcscd polls reader presence a few times a second. */
const REMOVAL_SETTLE_MS = 1500;

/** Resolves true as soon as the reader reports no card, false after `ms`. */
function cardGone(d: Discovery, watched: WatchedReader, ms: number): Promise<boolean> {
  const empty = (): boolean => ((watched.status?.state ?? 0) & SCARD_STATE.PRESENT) === 0;
  if (empty()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean): void => {
      clearTimeout(timer);
      off();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), ms);
    const off = d.onChange(() => {
      if (empty()) done(true);
    });
  });
}

function protocolName(r: PcscReader, p: number): string {
  if (p === r.SCARD_PROTOCOL_T0) return 'T=0';
  if (p === r.SCARD_PROTOCOL_T1) return 'T=1';
  if (p === r.SCARD_PROTOCOL_RAW) return 'RAW';
  return `0x${p.toString(16)}`;
}

/** The connected transport over one reader of a discovery context (which it closes on `close`). */
export async function connectReader(d: Discovery, watched: WatchedReader, options: PcscConnectOptions): Promise<DisposableTransport> {
  const r = watched.reader;
  const name = r.name;
  const connectMs = options.connectTimeoutMs ?? 10_000;
  const transmitMs = options.transmitTimeoutMs ?? 180_000;
  const receiveBytes = options.receiveBufferBytes ?? RECEIVE_BUFFER;
  const baseShare = options.exclusive === true ? r.SCARD_SHARE_EXCLUSIVE : r.SCARD_SHARE_SHARED;
  let protocol = 0;
  let share = baseShare;
  let closed = false;
  let removed: PcscError | undefined;
  let exclusiveDepth = 0;
  const outstanding = createOutstanding();

  const connect = async (mode: number): Promise<void> => {
    protocol = await call<number>(
      'SCardConnect',
      name,
      connectMs,
      outstanding.wrap((cb) => r.connect({ share_mode: mode, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, cb)),
    );
    share = mode;
  };
  const disconnect = (disposition: number): Promise<void> =>
    call<void>(
      'SCardDisconnect',
      name,
      connectMs,
      outstanding.wrap((cb) => r.disconnect(disposition, cb)),
    );
  const reconnect = async (disposition: number, mode: number): Promise<void> => {
    await disconnect(disposition);
    await connect(mode);
  };

  try {
    await connect(baseShare);
  } catch (error) {
    outstanding.whenIdle(() => d.close()); // a timed-out SCardConnect may still hold the reader
    throw error;
  }
  log('connected to "%s" (%s, %s)', name, protocolName(r, protocol), share === r.SCARD_SHARE_EXCLUSIVE ? 'exclusive' : 'shared');

  const usable = (): void => {
    if (closed)
      throw new TransportError(`the connection to "${name}" is closed`, 'ERR_SCHSM_TRANSPORT_CLOSED', { hint: 'open a new connection' });
    if (removed !== undefined) throw removed;
  };

  const transmit = async (command: Uint8Array): Promise<Uint8Array> => {
    usable();
    const data = Buffer.from(command.buffer, command.byteOffset, command.byteLength);
    try {
      const res = await call<Buffer>(
        'SCardTransmit',
        name,
        transmitMs,
        outstanding.wrap((cb) => r.transmit(data, receiveBytes, protocol, cb)),
      );
      if (res.byteLength < 2) throw unreachable(res.byteLength);
      return new Uint8Array(res.buffer, res.byteOffset, res.byteLength);
    } catch (error) {
      throw await explainFailure(error);
    }
  };

  /**
   * SCardTransmit "succeeded" with no status word: the reader driver lost the card mid-exchange
   * (measured: vpcd answers 0 bytes when the card process is killed while a command is in flight).
   * No card answers without SW1 SW2, so the handle is dead, as for a pulled card.
   */
  const unreachable = (got: number): PcscError => {
    removed = new PcscError(
      `SCardTransmit on "${name}": card removed or unreachable (the reader returned ${got} byte(s), not even a status word)`,
      PCSC_CODE.SCARD_W_REMOVED_CARD,
    );
    return removed;
  };

  /**
   * Card removed: the handle is dead for good. Reset by someone else: reconnect so the next call
   * works. A failed exchange (pcscd says "transaction failed" until it polls the reader again): if
   * the reader turns empty within a moment, the card was pulled out, and that is what we report.
   */
  const explainFailure = async (error: unknown): Promise<unknown> => {
    if (!(error instanceof PcscError)) return error;
    const code = error.pcscCode;
    if (code === PCSC_CODE.SCARD_W_REMOVED_CARD || code === PCSC_CODE.SCARD_E_NO_SMARTCARD) {
      removed = error.message.includes('card removed or unreachable')
        ? error
        : new PcscError(`SCardTransmit on "${name}": ${error.pcscName} (card removed or unreachable)`, code, { cause: error });
      return removed;
    }
    if (code !== undefined && SERVICE_LOST.has(code)) {
      removed = new PcscError(`SCardTransmit on "${name}": the PC/SC service went away (pcscd said ${error.pcscName})`, code, {
        cause: error,
      });
      return removed;
    }
    if (code === PCSC_CODE.SCARD_W_RESET_CARD) await reconnect(r.SCARD_LEAVE_CARD, share).catch(() => undefined);
    if (code !== undefined && LINK_FAILURES.has(code) && (await cardGone(d, watched, REMOVAL_SETTLE_MS))) {
      removed = new PcscError(
        `SCardTransmit on "${name}": SCARD_W_REMOVED_CARD (card removed or unreachable; pcscd first said ${error.pcscName})`,
        PCSC_CODE.SCARD_W_REMOVED_CARD,
        { cause: error },
      );
      return removed;
    }
    return error;
  };

  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    usable();
    if (share === r.SCARD_SHARE_EXCLUSIVE) {
      exclusiveDepth++;
      try {
        return await fn();
      } finally {
        exclusiveDepth--;
      }
    }
    await takeExclusive();
    exclusiveDepth++;
    try {
      return await fn();
    } finally {
      exclusiveDepth--;
      if (exclusiveDepth === 0 && !closed && removed === undefined) await reconnect(r.SCARD_LEAVE_CARD, baseShare);
    }
  };

  /** SCardConnect EXCLUSIVE fails while anyone else is connected: retry for a bounded time. */
  const takeExclusive = async (): Promise<void> => {
    const deadline = Date.now() + (options.exclusiveWaitMs ?? 5000);
    await disconnect(r.SCARD_LEAVE_CARD);
    for (;;) {
      try {
        await connect(r.SCARD_SHARE_EXCLUSIVE);
        return;
      } catch (error) {
        const busy = error instanceof PcscError && error.pcscCode === PCSC_CODE.SCARD_E_SHARING_VIOLATION;
        if (!busy || Date.now() >= deadline) {
          await connect(baseShare).catch(() => undefined);
          throw error;
        }
        await sleep(50);
      }
    }
  };

  /**
   * After a removal: wait (bounded) until pcscd reports a card in this reader again, then drop the
   * dead handle and connect anew with the session's share mode.
   */
  const reconnectAfterRemoval = async (o: ReconnectOptions = {}): Promise<void> => {
    if (closed) usable();
    const present = (): boolean => {
      const st = watched.status?.state ?? 0;
      return (st & SCARD_STATE.PRESENT) !== 0 && (st & SCARD_STATE.MUTE) === 0;
    };
    const waitMs = o.timeoutMs ?? 0;
    if (!present() && waitMs > 0) {
      log('reconnect: waiting up to %d ms for a card in "%s"', waitMs, name);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          off();
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        const off = d.onChange(() => {
          if (present() || d.failure() !== undefined) done();
        });
      });
    }
    const failure = d.failure();
    if (failure !== undefined) throw failure;
    if (!present())
      throw new PcscError(`no card in reader "${name}"${waitMs > 0 ? ` after waiting ${waitMs} ms` : ''}`, PCSC_CODE.SCARD_E_NO_SMARTCARD);
    if (r.connected) await disconnect(r.SCARD_LEAVE_CARD).catch(() => undefined);
    await connect(baseShare);
    removed = undefined;
    log('reconnected to "%s" (%s)', name, protocolName(r, protocol));
  };

  return disposable({
    name,
    get atr() {
      return Uint8Array.from(watched.status?.atr ?? []);
    },
    reconnect: reconnectAfterRemoval,
    get protocol() {
      return protocolName(r, protocol);
    },
    transmit,
    async reset() {
      usable();
      log('reset "%s" (SCardDisconnect RESET_CARD + SCardConnect)', name);
      await reconnect(r.SCARD_RESET_CARD, share);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        // Also after the card was pulled: pcscd counts the handle on the reader until SCardDisconnect
        // (the binding releases its context only when garbage-collected), and until then nobody, us
        // included, gets the next card in that reader EXCLUSIVE.
        if (r.connected) await disconnect(r.SCARD_LEAVE_CARD);
      } catch (error) {
        log('disconnect on close failed: %s', (error as Error).message);
      } finally {
        outstanding.whenIdle(() => d.close());
      }
    },
    exclusive,
  });
}
