import { createDebug } from './debug-log.ts';
import type { Transport } from './transport.ts';
import { decorate } from './decorate.ts';
import { commandSecrets, ExchangeRedactor, redactedHex, responseSecrets, type Redaction } from './redact.ts';

const log = createDebug('schsm:transport');

function formatSw(response: Uint8Array): string {
  const n = response.length;
  if (n < 2) return `(${n}-byte response, no SW)`;
  return `SW=${(((response[n - 2] ?? 0) << 8) | (response[n - 1] ?? 0)).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "RECV 6F07…A1 SW=9000 (1.2 ms)" with secret response data (redact.ts) shown as `..`. */
export function formatRecv(command: Uint8Array, response: Uint8Array, micros: number, hidden?: readonly Redaction[]): string {
  const data = response.subarray(0, Math.max(0, response.length - 2));
  const shown = redactedHex(data, hidden ?? responseSecrets(command, response));
  return `RECV ${shown === '' ? '' : `${shown} `}${formatSw(response)} (${(micros / 1000).toFixed(1)} ms)`;
}

/** "SEND 0020008106…" with PINs, SO-PINs and DKEK shares shown as `..` (redact.ts). */
export function formatSend(command: Uint8Array, hidden?: readonly Redaction[]): string {
  return `SEND ${redactedHex(command, hidden ?? commandSecrets(command))}`;
}

export interface TrafficLogOptions {
  /** Hide secrets (default true); `false` only when the user turned redaction off explicitly. */
  readonly redact?: boolean;
}

/**
 * The one place raw APDU traffic is logged: `DEBUG=schsm:transport` (or `schsm -vv`) prints every
 * command and response, secrets redacted (also GET RESPONSE continuations of a secret response),
 * with the round-trip time. Costs nothing when disabled.
 */
export function withTrafficLog(inner: Transport, options: TrafficLogOptions = {}): Transport {
  const redactor = new ExchangeRedactor();
  const show = options.redact === false;
  return decorate(inner, {
    transmit: async (command) => {
      if (!log.enabled) {
        const response = await inner.transmit(command);
        redactor.next(command, response); // keep its GET RESPONSE state right for when logging starts
        return response;
      }
      log('%s', formatSend(command, show ? [] : undefined));
      const started = process.hrtime.bigint();
      try {
        const response = await inner.transmit(command);
        const secrets = redactor.next(command, response);
        log('%s', formatRecv(command, response, Number(process.hrtime.bigint() - started) / 1000, show ? [] : secrets.response));
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
