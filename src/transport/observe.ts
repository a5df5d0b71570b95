import type { Transport } from './transport.ts';
import { decorate } from './decorate.ts';

/** Called after every completed exchange with the exact bytes and the round-trip time in µs. */
export type ExchangeObserver = (command: Uint8Array, response: Uint8Array, micros: number) => void;

/**
 * Report every exchange to `observer` (the CLI prints them; benchmarks count them). Sees the raw
 * bytes, secrets included: whoever prints them must redact (see redact.ts). Failed exchanges are not
 * reported; their error propagates unchanged.
 */
export function observeTransport(inner: Transport, observer: ExchangeObserver): Transport {
  const transmit = async (command: Uint8Array): Promise<Uint8Array> => {
    const started = process.hrtime.bigint();
    const response = await inner.transmit(command);
    observer(command, response, Number(process.hrtime.bigint() - started) / 1000);
    return response;
  };
  return decorate(inner, { transmit });
}
