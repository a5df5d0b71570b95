/**
 * The explorer's transport stack, built once per shell and kept across reconnects:
 *
 *   SmartCardHsm ─► observe (debug display) ─► [recorder, while `trace on`] ─► link ─► card transport
 *
 * The link forwards to whatever card transport is attached now (PC/SC reader or simulator), so a
 * recording started with `trace on` (or `--record`) keeps going across `reconnect` into one file.
 */
import { observeTransport, type ExchangeObserver } from '../transport/observe.ts';
import { decorate } from '../transport/decorate.ts';
import type { Transport } from '../transport/transport.ts';
import { recordTransport, type RecordingTransport, type RecordOptions } from '../trace/record.ts';
import { NoCardError } from './errors.ts';

export class CardLink {
  #base: Transport | undefined;
  #recorder: RecordingTransport | undefined;
  /** The transport the card session talks to (observed; records while a recording is on). */
  readonly transport: Transport;
  /** Forwards to the attached card transport; closing it leaves the card transport open. */
  readonly #view: Transport;

  constructor(observer: ExchangeObserver) {
    const base = (): Transport => {
      if (this.#base === undefined) throw new NoCardError('the card transport is closed');
      return this.#base;
    };
    const attached = (): Transport | undefined => this.#base;
    this.#view = {
      get name() {
        return base().name;
      },
      get atr() {
        return base().atr;
      },
      // the card the shell took when several were present and none named: the guard refuses PIN tries on it
      get guessedFrom() {
        return attached()?.guessedFrom;
      },
      // the card the shell took when several were present and none named: the guard refuses PIN tries on it
      transmit: (c) => base().transmit(c),
      reset: () => base().reset(),
      close: async () => undefined,
      exclusive: (fn) => (this.#base === undefined ? fn() : this.#base.exclusive(fn)),
    };
    const top = (): Transport => this.#recorder ?? this.#view;
    const switcher = decorate(this.#view, { transmit: (c) => top().transmit(c), reset: () => top().reset(), close: async () => undefined });
    this.transport = observeTransport(switcher, observer);
  }

  /** The attached card transport, if any. */
  get base(): Transport | undefined {
    return this.#base;
  }

  get recording(): RecordingTransport | undefined {
    return this.#recorder;
  }

  attach(base: Transport): void {
    this.#base = base;
  }

  /** Close and forget the card transport (errors of an already-dead connection are ignored). */
  async detach(): Promise<void> {
    const b = this.#base;
    this.#base = undefined;
    await b?.close().catch(() => undefined);
  }

  /** Start writing every exchange into a trace file (0600, never overwritten without `force`). */
  async startRecording(options: RecordOptions): Promise<RecordingTransport> {
    if (this.#recorder !== undefined) await this.stopRecording();
    this.#recorder = await recordTransport(this.#view, options);
    return this.#recorder;
  }

  /** Close the trace file; returns what was recorded. */
  async stopRecording(): Promise<{ file: string; recorded: number } | undefined> {
    const r = this.#recorder;
    if (r === undefined) return undefined;
    this.#recorder = undefined;
    await r.close();
    return { file: r.file, recorded: r.recorded };
  }
}
