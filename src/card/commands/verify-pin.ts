import { retriesLeft, SW } from '../../apdu/status-words.ts';
import { CLA, INS, PIN_REF, pinName, type PinRef } from '../constants.ts';
import { errorFromStatus } from '../errors.ts';
import { encodeSoPin, encodeUserPin, type PinInput } from '../pin.ts';
import type { CardSession } from '../session.ts';

/** State of a PIN as the VERIFY status query reports it (§3.6, §7). */
export type PinState = 'verified' | 'not-verified' | 'blocked' | 'transport-pin' | 'not-initialized';

export interface PinStatus {
  readonly ref: number;
  readonly state: PinState;
  /** Tries left (63Cx); 0 when blocked; undefined when the card does not say. */
  readonly retriesLeft: number | undefined;
}

/**
 * VERIFY without data, `00 20 00 <ref>` (case 1): 9000 verified, 63Cx not verified with x tries,
 * 6983 blocked, 6984 transport PIN, 6A88 not initialised (§3.6). Never uses up a try. Inside a secure
 * channel it goes as case 2 (`00 20 00 <ref> 00`): "JCOP's SM accelerator is incapable of using case 1
 * APDU in SM" (OpenSC `card-sc-hsm.c` `sc_hsm_pin_cmd`, §3.21).
 */
export async function pinStatus(card: CardSession, ref: number = PIN_REF.USER): Promise<PinStatus> {
  const operation = `VERIFY status of the ${pinName(ref)}`;
  const caseTwo = card.secureChannel === undefined ? {} : ({ ne: 256, form: 'short' } as const);
  const res = await card.send({ cla: CLA.ISO, ins: INS.VERIFY, p1: 0x00, p2: ref, ...caseTwo }, { operation, raw: true });
  const left = retriesLeft(res.sw);
  if (res.sw === SW.OK) return { ref, state: 'verified', retriesLeft: undefined };
  if (left !== undefined) return { ref, state: 'not-verified', retriesLeft: left };
  if (res.sw === SW.AUTHENTICATION_METHOD_BLOCKED) return { ref, state: 'blocked', retriesLeft: 0 };
  if (res.sw === SW.REFERENCE_DATA_NOT_USABLE) return { ref, state: 'transport-pin', retriesLeft: undefined };
  if (res.sw === SW.REFERENCED_DATA_NOT_FOUND) return { ref, state: 'not-initialized', retriesLeft: undefined };
  throw errorFromStatus(res.sw, { ins: INS.VERIFY, p1: 0, p2: ref, operation, data: res.data });
}

export interface VerifyPinOptions {
  /** 0x81 user PIN (ASCII, default) or 0x88 SO-PIN (16 hex digits → 8 bytes). */
  readonly ref?: PinRef;
  readonly pin: PinInput;
  /** Send the PIN even when a wrong one would block it (one try left): the channel's guard then does not ask. */
  readonly allowLastTry?: boolean;
}

/**
 * VERIFY `00 20 00 <ref> Lc <PIN>` (§3.6; §11.1: `0020008106363438323139` for "648219").
 * The channel's guard (apdu/guard.ts) first asks the PIN status `00 20 00 <ref>` and refuses with
 * LastPinTryError when one try is left, unless `allowLastTry`.
 * Throws PinIncorrectError {retriesLeft}, PinBlockedError, TransportPinError, NotInitializedError.
 */
export async function verifyPin(card: CardSession, options: VerifyPinOptions): Promise<void> {
  const ref = options.ref ?? PIN_REF.USER;
  const data = ref === PIN_REF.SO ? encodeSoPin(options.pin) : encodeUserPin(options.pin);
  await card.send(
    { cla: CLA.ISO, ins: INS.VERIFY, p1: 0x00, p2: ref, data },
    { operation: `VERIFY ${pinName(ref)}`, ...(options.allowLastTry === true ? { allowLastTry: true } : {}) },
  );
}
