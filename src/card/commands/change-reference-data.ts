import { concat } from '../../apdu/hex.ts';
import { CLA, INS, PIN_REF } from '../constants.ts';
import { encodeSoPin, encodeUserPin, type PinInput } from '../pin.ts';
import type { CardSession } from '../session.ts';

export type ChangeReferenceDataOptions =
  /** User PIN: old ‖ new as ASCII; the card splits by the stored length of the current PIN (§3.7). */
  (
    | { readonly ref?: typeof PIN_REF.USER; readonly oldPin: PinInput; readonly newPin: PinInput }
    /** SO-PIN: old (8 bytes) ‖ new (8 bytes), each given as 16 hex digits (§3.7, §7). */
    | { readonly ref: typeof PIN_REF.SO; readonly oldPin: PinInput; readonly newPin: PinInput }
  ) & {
    /** Send it even when a wrong old value would block the PIN (or the card does not say): see apdu/guard.ts. */
    readonly allowLastTry?: boolean;
  };

/**
 * CHANGE REFERENCE DATA `00 24 00 <ref> Lc <old ‖ new>` (§3.7). Also how a transport PIN is replaced.
 * The channel's guard refuses it (LastPinTryError, PinTriesUnknownError for a transport PIN, whose tries
 * the card does not show) unless `allowLastTry`.
 * Throws PinIncorrectError {retriesLeft} / PinBlockedError / NotInitializedError like VERIFY.
 */
export async function changeReferenceData(card: CardSession, options: ChangeReferenceDataOptions): Promise<void> {
  const so = options.ref === PIN_REF.SO;
  const data = so
    ? concat(encodeSoPin(options.oldPin, 'current SO-PIN'), encodeSoPin(options.newPin, 'new SO-PIN'))
    : concat(encodeUserPin(options.oldPin, 'current PIN'), encodeUserPin(options.newPin, 'new PIN'));
  const ref = so ? PIN_REF.SO : PIN_REF.USER;
  await card.send(
    { cla: CLA.ISO, ins: INS.CHANGE_REFERENCE_DATA, p1: 0x00, p2: ref, data },
    {
      operation: `CHANGE REFERENCE DATA (${so ? 'SO-PIN' : 'user PIN'})`,
      ...(options.allowLastTry === true ? { allowLastTry: true } : {}),
    },
  );
}
