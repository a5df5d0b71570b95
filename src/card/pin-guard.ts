/**
 * The early PIN check of the CLI and the explorer, made BEFORE a PIN is asked for (so nobody types a
 * PIN that will not be sent): ask the card how many tries are left with VERIFY-status `00 20 00 <ref>`
 * (which never spends one, §3.6) and
 *   - refuse when the PIN is blocked or the device has no PIN (nothing to try),
 *   - refuse when one try is left (or, for a transport PIN, the card does not say), unless
 *     `allowLastTry`: a wrong value would block the PIN, and a blocked SO-PIN can never be unblocked (§7).
 * The rule itself is enforced below every path by the channel's guard (apdu/guard.ts), which uses this
 * query's answer when the PIN command follows it directly. The PIN itself is never looked at here.
 */
import { GuessedCardError } from '../apdu/guard-errors.ts';
import { SW } from '../apdu/status-words.ts';
import { INS, PIN_REF, pinName, type PinRef } from './constants.ts';
import { NotInitializedError, PinBlockedError, TransportPinError } from './errors.ts';
import { LastPinTryError, PinTriesUnknownError } from './host-errors.ts';
import { pinStatus, verifyPin, type PinStatus } from './commands/verify-pin.ts';
import type { PinInput } from './pin.ts';
import type { CardSession } from './session.ts';

export interface PinGuardOptions {
  /** Allow the attempt even when a wrong value would block the PIN (`--allow-last-try`). */
  readonly allowLastTry?: boolean;
  /** The attempt replaces a transport PIN (CHANGE REFERENCE DATA): the transport state is expected. */
  readonly allowTransportPin?: boolean;
}

/** One line for people: "3 tries left", "verified", "BLOCKED", "not set (device not initialised)". */
export function describePinState(s: PinStatus): string {
  switch (s.state) {
    case 'verified':
      return 'verified in this session';
    case 'not-verified':
      return s.retriesLeft === undefined ? 'not verified' : `${s.retriesLeft} ${s.retriesLeft === 1 ? 'try' : 'tries'} left`;
    case 'blocked':
      return 'BLOCKED';
    case 'transport-pin':
      return 'transport PIN (must be changed before first use)';
    case 'not-initialized':
      return 'not set (device not initialised)';
  }
}

/**
 * Decide from a status whether a try may be spent. Throws PinBlockedError, NotInitializedError,
 * TransportPinError (unless allowed), LastPinTryError or — a transport PIN, whose tries the card does
 * not show — PinTriesUnknownError (these two unless `allowLastTry`).
 */
export function checkPinAttempt(status: PinStatus, options: PinGuardOptions = {}): void {
  const ctx = { ins: INS.VERIFY, p1: 0, p2: status.ref, operation: `VERIFY status of the ${pinName(status.ref)}` };
  if (status.state === 'blocked') throw new PinBlockedError(SW.AUTHENTICATION_METHOD_BLOCKED, ctx, status.ref);
  if (status.state === 'not-initialized') throw new NotInitializedError(SW.REFERENCED_DATA_NOT_FOUND, ctx);
  if (status.state === 'transport-pin' && options.allowTransportPin !== true)
    throw new TransportPinError(SW.REFERENCE_DATA_NOT_USABLE, ctx);
  if (options.allowLastTry === true) return;
  if (status.state === 'transport-pin') throw new PinTriesUnknownError(status.ref, SW.REFERENCE_DATA_NOT_USABLE, 'CHANGE REFERENCE DATA');
  if (status.state === 'not-verified' && status.retriesLeft !== undefined && status.retriesLeft <= 1) {
    throw new LastPinTryError(status.ref, status.retriesLeft);
  }
}

/**
 * Query the PIN's status and check that a try may be spent; returns the status (for "N tries left").
 * On a guessed card (several present, none named: `transport.guessedFrom`) it refuses at once, before
 * any PIN is asked for, as the channel's guard would refuse the try itself.
 */
export async function guardPinAttempt(card: CardSession, ref: number, options: PinGuardOptions = {}): Promise<PinStatus> {
  const guessed = card.transport.guessedFrom;
  if (guessed !== undefined && guessed.length > 1) throw new GuessedCardError('VERIFY', pinName(ref), guessed);
  const status = await pinStatus(card, ref);
  checkPinAttempt(status, options);
  return status;
}

/**
 * VERIFY the user PIN (or SO-PIN) behind the guard. Returns the status before the attempt. The PIN is
 * sent even when the status says "verified" (a verified PIN has its full counter, so a check is safe).
 * A wrong PIN throws PinIncorrectError with `retriesLeft` from the card's 63Cx.
 */
export async function guardedVerifyPin(
  card: CardSession,
  pin: PinInput,
  options: PinGuardOptions & { readonly ref?: PinRef } = {},
): Promise<PinStatus> {
  const ref = options.ref ?? PIN_REF.USER;
  const status = await guardPinAttempt(card, ref, options);
  await verifyPin(card, { ref, pin, ...(options.allowLastTry === true ? { allowLastTry: true } : {}) });
  return status;
}
