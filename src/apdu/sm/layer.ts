import { createDebug } from '../../transport/debug-log.ts';
import { encodeCommand, type CommandApdu } from '../command.ts';
import { concat } from '../hex.ts';
import type { ResponseApdu } from '../response.ts';
import { SmSession, type SmKeys } from './codec.ts';
import { SecureMessagingError } from './errors.ts';

const log = createDebug('schsm:sm');

/**
 * Sees the plain APDUs inside the secure channel (the transport below sees only the protected ones).
 * Receives the exact bytes, secrets included: whoever writes them down must mask them with the same
 * rules as the transport (transport/redact.ts), as the trace recorder and the CLI do.
 */
export interface PlainObserver {
  /** A command as it is before protection (it may hold a PIN: mask it before writing). */
  command?(plain: Uint8Array): void;
  /** A response after verification and decryption, with the plain command it answers. */
  response?(plainCommand: Uint8Array, plainResponse: Uint8Array): void;
}

type Processor = (cmd: CommandApdu) => Promise<ResponseApdu>;

/** What the channel's secure-messaging slot holds (apdu/channel.ts `ChannelSlots.secureMessaging`). */
export interface SecureMessagingLayer {
  readonly kind: 'secure-messaging';
  /** Short name for logs and status: "id-CA-ECDH-AES-CBC-CMAC-128". */
  readonly protocol: string;
  /** Protected exchanges so far. */
  readonly exchanges: number;
  /** False once the card or a check ended the channel; the slot should then be emptied. */
  readonly open: boolean;
  /** Wrap the processor below (chaining, 61xx, 6Cxx, transport): commands in plain, protected on the wire. */
  wrap(next: Processor): Processor;
}

export interface SecureMessagingOptions {
  readonly protocol?: string;
  readonly observer?: PlainObserver;
}

/**
 * The secure-messaging processor: every command is protected with `keys` before
 * it goes down the chain, every response is checked and decrypted before it goes up. Any failure ends
 * the channel for good (TR-03110 part 3 F.3: the card aborts too), and every later command is refused
 * instead of being sent in plain, which would make the card drop the PIN state anyway.
 */
export function createSecureMessaging(keys: SmKeys, options: SecureMessagingOptions = {}): SecureMessagingLayer {
  const session = new SmSession(keys);
  let open = true;
  let exchanges = 0;
  const observer = options.observer;
  const wrap =
    (next: Processor): Processor =>
    async (cmd) => {
      if (!open) throw new SecureMessagingError('the secure channel was closed after an error; open a new one');
      const plain = encodeCommand(cmd);
      observer?.command?.(plain);
      try {
        const res = session.unwrap(await next(session.wrap(cmd)));
        exchanges++;
        observer?.response?.(plain, concat(res.data, Uint8Array.of(res.sw >> 8, res.sw & 0xff)));
        return res;
      } catch (error) {
        open = false;
        log('secure channel closed: %s', error instanceof Error ? error.message : String(error));
        throw error;
      }
    };
  return {
    kind: 'secure-messaging',
    protocol: options.protocol ?? 'id-CA-ECDH-AES-CBC-CMAC-128',
    get exchanges() {
      return exchanges;
    },
    get open() {
      return open;
    },
    wrap,
  };
}
