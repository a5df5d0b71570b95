import { concat } from '../../apdu/hex.ts';
import { CLA, INS, PIN_REF } from '../constants.ts';
import { encodeSoPin, encodeUserPin, type PinInput } from '../pin.ts';
import type { CardSession } from '../session.ts';

export interface ResetRetryCounterOptions {
  /** The SO-PIN, 16 hex digits (sent as 8 bytes, §7). */
  readonly soPin: PinInput;
  /** New user PIN; omit to only reset the counter (P1 01). */
  readonly newPin?: PinInput;
  /** Send it even when a wrong SO-PIN would block the SO-PIN (one try left): see apdu/guard.ts. */
  readonly allowLastTry?: boolean;
}

/**
 * RESET RETRY COUNTER of the user PIN (§3.8): `00 2C 00 81 Lc <SO-PIN(8) ‖ new PIN>` sets a new PIN and
 * resets the counter; `00 2C 01 81 08 <SO-PIN>` only resets the counter. Needs option 0x0001 at
 * initialisation (else OperationNotAllowedError); a wrong SO-PIN is PinIncorrectError with pinRef 88.
 * The channel's guard refuses it on the SO-PIN's last try (LastPinTryError) unless `allowLastTry`.
 */
export async function resetRetryCounter(card: CardSession, options: ResetRetryCounterOptions): Promise<void> {
  const so = encodeSoPin(options.soPin);
  const withPin = options.newPin !== undefined;
  const data = options.newPin === undefined ? so : concat(so, encodeUserPin(options.newPin, 'new PIN'));
  const cmd = { cla: CLA.ISO, ins: INS.RESET_RETRY_COUNTER, p1: withPin ? 0x00 : 0x01, p2: PIN_REF.USER, data };
  await card.send(cmd, {
    operation: withPin ? 'RESET RETRY COUNTER with a new user PIN' : 'RESET RETRY COUNTER',
    ...(options.allowLastTry === true ? { allowLastTry: true } : {}),
  });
}
