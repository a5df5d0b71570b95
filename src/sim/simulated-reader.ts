/**
 * A reader with a simulated card that can be pulled out and put back, so that an application tests
 * its removal paths without hardware: transports connected through it fail the way PC/SC fails when a
 * card is pulled (PcscError SCARD_W_REMOVED_CARD, code ERR_SCHSM_PCSC_CARD_REMOVED), `reconnect()`
 * waits for the card to come back, and `watch()` reports the same CardEvents as the PC/SC monitor.
 *
 *   const reader = new SimulatedReader({ card: new SmartCardHsmSimulator() });
 *   const card = await SmartCardHsm.open(reader.connect());
 *   reader.removeCard();            // the next command fails with SCARD_W_REMOVED_CARD
 *   reader.insertCard();            // the same card, powered up again (PINs no longer verified)
 *   await card.reconnect();
 */
import { createCardEventSource, type CardEvent, type CardMonitor } from '../transport/card-events.ts';
import { TransportError, TransportTimeoutError } from '../transport/errors.ts';
import { PcscError, PCSC_CODE } from '../transport/pcsc-errors.ts';
import { disposable, runUnshared, type DisposableTransport, type ReconnectOptions } from '../transport/transport.ts';
import type { VirtualCard } from './virtual-card.ts';

export interface SimulatedReaderOptions {
  /** Reader name (default "Simulated Reader 00"). */
  readonly name?: string;
  /** The card in the reader at the start (default: none; `insertCard` puts one in). */
  readonly card?: VirtualCard;
}

/** A simulated PC/SC reader holding at most one VirtualCard. */
export class SimulatedReader {
  readonly name: string;
  #card: VirtualCard | undefined;
  /** The card last removed (what `insertCard()` without argument puts back). */
  #removed: VirtualCard | undefined;
  /** Bumped on every removal: a connection made before it is dead. */
  #generation = 0;
  readonly #changes = new Set<() => void>();
  readonly #monitors = new Set<(event: CardEvent) => void>();

  constructor(options: SimulatedReaderOptions = {}) {
    this.name = options.name ?? 'Simulated Reader 00';
    this.#card = options.card;
  }

  /** The card in the reader, if any. */
  get card(): VirtualCard | undefined {
    return this.#card;
  }

  get cardPresent(): boolean {
    return this.#card !== undefined;
  }

  /** Pull the card out: every connection to it fails from now on with SCARD_W_REMOVED_CARD. */
  removeCard(): void {
    if (this.#card === undefined) return;
    this.#removed = this.#card;
    this.#card = undefined;
    this.#generation++;
    this.#emit({ type: 'card-removed', reader: this.name });
  }

  /** Put `card` (default: the card removed last) into the reader; it powers up (reset). */
  insertCard(card?: VirtualCard): void {
    const next = card ?? this.#removed;
    if (next === undefined) throw new TypeError(`${this.name}: no card to insert (none was removed; pass one)`);
    if (this.#card !== undefined) this.removeCard();
    next.reset();
    this.#card = next;
    this.#emit({ type: 'card-inserted', reader: this.name, atr: Uint8Array.from(next.atr) });
  }

  #emit(event: CardEvent): void {
    for (const m of [...this.#monitors]) m(event);
    for (const c of [...this.#changes]) c();
  }

  /**
   * Reader and card events from now on: `card-inserted` for the card present at the start (as the PC/SC
   * monitor reports the initial state), then every removal and insertion.
   */
  watch(): CardMonitor {
    const source = createCardEventSource(
      () => {
        this.#monitors.delete(source.emit);
      },
      (ms) => new TransportTimeoutError(`waiting for a card event in "${this.name}"`, ms),
    );
    this.#monitors.add(source.emit);
    source.emit({ type: 'reader-added', reader: this.name });
    if (this.#card !== undefined) source.emit({ type: 'card-inserted', reader: this.name, atr: Uint8Array.from(this.#card.atr) });
    return source.monitor;
  }

  /** Resolves once a card is present, or rejects with PcscError SCARD_E_NO_SMARTCARD after `timeoutMs`. */
  async #waitForCard(timeoutMs: number): Promise<VirtualCard> {
    if (this.#card === undefined && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#changes.delete(check);
          resolve();
        };
        const check = (): void => {
          if (this.#card !== undefined) done();
        };
        const timer = setTimeout(done, timeoutMs);
        this.#changes.add(check);
      });
    }
    if (this.#card === undefined)
      throw new PcscError(
        `no card in reader "${this.name}"${timeoutMs > 0 ? ` after waiting ${timeoutMs} ms` : ''}`,
        PCSC_CODE.SCARD_E_NO_SMARTCARD,
      );
    return this.#card;
  }

  /**
   * Connect to the card in the reader (PcscError SCARD_E_NO_SMARTCARD when empty, unless `timeoutMs`
   * lets one arrive in time).
   */
  async connect(options: ReconnectOptions = {}): Promise<DisposableTransport> {
    await this.#waitForCard(options.timeoutMs ?? 0);
    return this.#transport();
  }

  #transport(): DisposableTransport {
    const reader = this;
    let generation = this.#generation;
    let closed = false;
    let atr = Uint8Array.from(this.#card?.atr ?? []);
    const live = (): VirtualCard => {
      if (closed)
        throw new TransportError(`${reader.name}: the card connection is closed`, 'ERR_SCHSM_TRANSPORT_CLOSED', {
          hint: 'open a new transport; close() releases the card for good',
        });
      const card = reader.#card;
      if (card === undefined || generation !== reader.#generation)
        throw new PcscError(
          `SCardTransmit on "${reader.name}": SCARD_W_REMOVED_CARD (card removed or unreachable)`,
          PCSC_CODE.SCARD_W_REMOVED_CARD,
        );
      return card;
    };
    return disposable({
      name: this.name,
      get atr() {
        return atr;
      },
      protocol: 'T=1',
      async transmit(command: Uint8Array): Promise<Uint8Array> {
        return live().process(Uint8Array.from(command));
      },
      async reset(): Promise<void> {
        const card = live();
        card.reset();
        atr = Uint8Array.from(card.atr);
      },
      async reconnect(o: ReconnectOptions = {}): Promise<void> {
        if (closed) live();
        const card = await reader.#waitForCard(o.timeoutMs ?? 0);
        generation = reader.#generation;
        atr = Uint8Array.from(card.atr);
      },
      async close(): Promise<void> {
        closed = true;
      },
      exclusive: runUnshared,
    });
  }
}
