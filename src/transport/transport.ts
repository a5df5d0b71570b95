/**
 * The one byte seam of schsm: raw command APDU in, raw response APDU (data ‖ SW1 SW2) out.
 * PC/SC, the simulator, the trace recorder and the trace replayer all implement it; everything above
 * (apdu/ channel, card/, explorer, cli) talks only to this interface.
 */
export interface Transport {
  /** Human-readable name: the PC/SC reader name, "simulator", "replay:<file>", … */
  readonly name: string;
  /** Answer-to-reset of the card currently connected (empty when unknown). */
  readonly atr: Uint8Array;
  /** Active protocol when known ("T=0", "T=1", "RAW"). */
  readonly protocol?: string;
  /**
   * Set when no reader was named and several readers held a card, so this card was taken as the first
   * of them (a guess): the readers that held one. The channel's safety guard refuses every command that
   * can spend a PIN try or erase something on such a transport (schsm never guesses the device for those).
   */
  readonly guessedFrom?: readonly string[] | undefined;
  /** Send one command APDU and return the complete response APDU including SW1 SW2. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Warm-reset the card (the card forgets PIN state); afterwards `atr` is current. */
  reset(): Promise<void>;
  /** Release the card (PC/SC: SCardDisconnect with LEAVE_CARD). Idempotent. */
  close(): Promise<void>;
  /**
   * Run `fn` while holding the card exclusively, so that no other PC/SC client can slip an APDU in
   * between a multi-APDU operation (VERIFY then SIGN, share import, wrap/unwrap). Transports without
   * other clients (simulator, replay) just run `fn`.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * After the card was removed (exchanges fail with PcscError SCARD_W_REMOVED_CARD): wait for a card
   * in the same reader, bounded by `timeoutMs`, and connect to it; afterwards `atr` is the new card's.
   * PC/SC and the simulator's `SimulatedReader` have it; `SmartCardHsm.reconnect()` builds on it.
   */
  reconnect?(options?: ReconnectOptions): Promise<void>;
}

/** How long `reconnect` waits for a card. */
export interface ReconnectOptions {
  /** Wait at most this long for a card to be (re)inserted (default 0: a card must be present now). */
  readonly timeoutMs?: number;
}

/** A transport that `await using` releases (every transport schsm opens is one). */
export type DisposableTransport = Transport & AsyncDisposable;

/** `transport` with `[Symbol.asyncDispose]` calling its `close()` (the object itself, extended). */
export function disposable<T extends Transport>(transport: T): T & AsyncDisposable {
  if (Symbol.asyncDispose in transport) return transport as T & AsyncDisposable;
  return Object.defineProperty(transport, Symbol.asyncDispose, {
    value: () => transport.close(),
    enumerable: false,
    configurable: true,
  }) as T & AsyncDisposable;
}

/** Helper for transports that have nobody to share the card with. */
export async function runUnshared<T>(fn: () => Promise<T>): Promise<T> {
  return fn();
}
