import { disposable, runUnshared, type DisposableTransport } from '../transport/transport.ts';
import { TransportError } from '../transport/errors.ts';
import type { VirtualCard } from './virtual-card.ts';

/**
 * An in-process `Transport` over any `VirtualCard`: no PC/SC, no sockets. `exclusive` just runs the
 * function (nobody else can reach an in-process card); after `close` every exchange fails the way a
 * released PC/SC handle does.
 */
export function cardTransport(card: VirtualCard, name = 'simulator'): DisposableTransport {
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) {
      throw new TransportError(`${name}: the card connection is closed`, 'ERR_SCHSM_TRANSPORT_CLOSED', {
        hint: 'open a new transport; close() releases the card for good',
      });
    }
  };
  return disposable({
    name,
    get atr() {
      return card.atr;
    },
    protocol: 'T=1',
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      ensureOpen();
      return card.process(Uint8Array.from(command));
    },
    async reset(): Promise<void> {
      ensureOpen();
      card.reset();
    },
    async close(): Promise<void> {
      closed = true;
    },
    exclusive: runUnshared,
  });
}
