import { disposable, type DisposableTransport, type Transport } from './transport.ts';

export interface TransportOverrides {
  readonly transmit?: (command: Uint8Array) => Promise<Uint8Array>;
  readonly reset?: () => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly reconnect?: NonNullable<Transport['reconnect']>;
}

/**
 * A Transport that is `inner` with some methods replaced. `name`, `atr` and `protocol` stay live
 * getters (the ATR is re-read after a reset); everything not overridden is forwarded (`reconnect` when
 * `inner` has it), and `await using` closes it.
 */
export function decorate(inner: Transport, overrides: TransportOverrides): DisposableTransport {
  const t: Transport = {
    get name() {
      return inner.name;
    },
    get atr() {
      return inner.atr;
    },
    transmit: overrides.transmit ?? ((command) => inner.transmit(command)),
    reset: overrides.reset ?? (() => inner.reset()),
    close: overrides.close ?? (() => inner.close()),
    exclusive: (fn) => inner.exclusive(fn),
  };
  const reconnect = overrides.reconnect ?? inner.reconnect?.bind(inner);
  if (reconnect !== undefined) t.reconnect = reconnect;
  // `protocol` is optional: a getter typed string | undefined does not satisfy exactOptionalPropertyTypes.
  Object.defineProperty(t, 'protocol', { get: () => inner.protocol, enumerable: true });
  // live, like `atr`: a transport that switches what it forwards to (the explorer's link) may gain a guess
  Object.defineProperty(t, 'guessedFrom', { get: () => inner.guessedFrom, enumerable: true });
  return disposable(t);
}
