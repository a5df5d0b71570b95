/**
 * Command sizes checked before anything is sent. pcsc-lite refuses a command longer than its transmit
 * buffer with SCARD_E_INSUFFICIENT_BUFFER, which says nothing about what was too large; here the
 * command is measured first and the error names its size, the limit and the excess (CLI exit 2).
 * pcsc-lite offers no call that tells a reader's own maximum through the binding schsm uses (no
 * SCardGetAttrib), so the limits are the protocol's and pcsc-lite's.
 */
import { decorate } from './decorate.ts';
import { SchsmError } from './errors.ts';
import type { DisposableTransport, Transport } from './transport.ts';

/** The longest well-formed command APDU (ISO 7816-4 case 4E): header 4, Lc 00 hi lo, 65535 data bytes, Le 2. */
export const MAX_COMMAND_APDU = 4 + 3 + 65535 + 2;

/** pcsc-lite's MAX_BUFFER_SIZE_EXTENDED (PCSC/pcsclite.h): 4 + 3 + 65536 + 3 + 2 bytes, the most SCardTransmit sends. */
export const PCSC_MAX_TRANSMIT = 4 + 3 + (1 << 16) + 3 + 2;

/** A command APDU larger than the path to the card can carry; nothing was sent. */
export class CommandTooLargeError extends SchsmError {
  override name = 'CommandTooLargeError';
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number, what: string) {
    super(
      `command APDU of ${size} bytes is ${size - limit} byte(s) over ${what} of ${limit} bytes; nothing was sent`,
      'ERR_SCHSM_APDU_TOO_LARGE',
      {
        hint: `the longest ISO 7816-4 command is ${MAX_COMMAND_APDU} bytes (extended Lc ≤ 65535 data bytes, Le ≤ 65536); split the data (command chaining or several UPDATE BINARY at offsets)`,
      },
    );
    this.size = size;
    this.limit = limit;
  }
}

/** `inner` with every command measured against `limit` (named `what` in the error) before it is sent. */
export function withCommandSizeLimit(
  inner: Transport,
  limit = PCSC_MAX_TRANSMIT,
  what = "pcsc-lite's transmit buffer",
): DisposableTransport {
  return decorate(inner, {
    transmit: (command) => {
      if (command.length > limit) return Promise.reject(new CommandTooLargeError(command.length, limit, what));
      return inner.transmit(command);
    },
  });
}
