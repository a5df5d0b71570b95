import createDebug from 'debug';
import type { Transport } from './transport.ts';
import { decorate } from './decorate.ts';
import { commandSecrets, redactedHex, responseSecrets } from './redact.ts';

const log = createDebug('schsm:transport');

function formatSw(response: Uint8Array): string {
  const n = response.length;
  if (n < 2) return `(${n}-byte response, no SW)`;
  return `SW=${(((response[n - 2] ?? 0) << 8) | (response[n - 1] ?? 0)).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "RECV 6F07…A1 SW=9000 (1.2 ms)" with GET CHALLENGE output and other secrets shown as `..`. */
export function formatRecv(command: Uint8Array, response: Uint8Array, micros: number): string {
  const data = response.subarray(0, Math.max(0, response.length - 2));
  const hidden = redactedHex(data, responseSecrets(command, response));
  return `RECV ${hidden === '' ? '' : `${hidden} `}${formatSw(response)} (${(micros / 1000).toFixed(1)} ms)`;
}

/** "SEND 0020008106…" with PINs, SO-PINs and DKEK shares shown as `..` (redact.ts). */
export function formatSend(command: Uint8Array): string {
  return `SEND ${redactedHex(command, commandSecrets(command))}`;
}

/**
 * The one place raw APDU traffic is logged: `DEBUG=schsm:transport` (or `schsm -vv`) prints every
 * command and response, secrets redacted, with the round-trip time. Costs nothing when disabled.
 */
export function withTrafficLog(inner: Transport): Transport {
  return decorate(inner, {
    transmit: async (command) => {
      if (!log.enabled) return inner.transmit(command);
      log('%s', formatSend(command));
      const started = process.hrtime.bigint();
      try {
        const response = await inner.transmit(command);
        log('%s', formatRecv(command, response, Number(process.hrtime.bigint() - started) / 1000));
        return response;
      } catch (error) {
        log('FAIL %s', error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    reset: async () => {
      log('RESET %s', inner.name);
      await inner.reset();
    },
    close: async () => {
      log('CLOSE %s', inner.name);
      await inner.close();
    },
  });
}
