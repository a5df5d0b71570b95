/**
 * The login every card command that needs the user PIN shares (its flags are in pin-flags.ts):
 * guard (refuse on the last try unless --allow-last-try) → read the PIN (env, stdin, flag or hidden prompt)
 * → later, inside the caller's exclusive section, VERIFY right before the command's own APDUs (the
 * channel's guard asks the tries left again right before it: apdu/guard.ts).
 */
import { encodeSoPin, encodeUserPin } from '../card/pin.ts';
import { guardPinAttempt } from '../card/pin-guard.ts';
import { verifyPin } from '../card/commands/verify-pin.ts';
import { PIN_REF } from '../card/constants.ts';
import type { SmartCardHsm } from '../card/sc-hsm.ts';
import { SchsmError } from '../transport/errors.ts';
import type { SecretReader, SecretSpec } from './secret-input.ts';
import { UsageError } from './exit-codes.ts';

export interface PinArgs {
  readonly pin?: string | undefined;
  readonly pinEnv?: string | undefined;
  readonly pinStdin?: boolean | undefined;
}

/** Validation of a user PIN as text (6..16 printable ASCII, §7), as a usage error. */
export function validateUserPin(pin: string): void {
  try {
    encodeUserPin(pin);
  } catch (err) {
    throw new UsageError(err instanceof SchsmError ? err.message : String(err));
  }
}

/**
 * Validation of an SO-PIN as text (16 hex digits, §7), as a usage error with `hint` (the card
 * layer's own hint names the documentation example, which is no advice for a new SO-PIN).
 */
export function validateSoPin(pin: string, hint?: string): void {
  try {
    encodeSoPin(pin);
  } catch (err) {
    throw new UsageError(err instanceof SchsmError ? err.message : String(err), hint);
  }
}

/** The SecretSpec of the user PIN from the standard options. */
export function userPinSpec(args: PinArgs, what = 'user PIN'): SecretSpec {
  return {
    what,
    envVar: args.pinEnv,
    stdin: args.pinStdin === true,
    literal: args.pin,
    literalFlag: '--pin',
    flags: '--pin-env VAR or --pin-stdin',
    validate: validateUserPin,
  };
}

/** --allow-last-try, as the card layer's option. */
export interface GuardArgs {
  readonly allowLastTry?: boolean | undefined;
}

/** `{ allowLastTry: true }` when --allow-last-try was given, else `{}`. */
export function guardOptions(args: GuardArgs): { allowLastTry?: true } {
  return args.allowLastTry === true ? { allowLastTry: true } : {};
}

/**
 * Before the operation: refuse early (before asking) when the user PIN is blocked or on its last try
 * without --allow-last-try, then read it. Done outside the exclusive section, so nobody waits while a
 * person types.
 */
export async function askUserPin(card: SmartCardHsm, secrets: SecretReader, args: PinArgs & GuardArgs): Promise<string> {
  await guardPinAttempt(card, PIN_REF.USER, guardOptions(args));
  return secrets.read(userPinSpec(args));
}

/**
 * VERIFY, behind the channel's guard (which asks the tries left right before it); call inside
 * `card.exclusive`, right before the APDUs that need the login.
 */
export async function verifyUserPin(card: SmartCardHsm, pin: string, args: GuardArgs): Promise<void> {
  await verifyPin(card, { pin, ...guardOptions(args) });
}

/**
 * The usual shape of a PIN-protected operation: guard and read the PIN, then one exclusive section
 * with VERIFY followed by `fn` (no other PC/SC client can slip an APDU in between).
 */
export async function withLogin<T>(card: SmartCardHsm, secrets: SecretReader, args: PinArgs & GuardArgs, fn: () => Promise<T>): Promise<T> {
  const pin = await askUserPin(card, secrets, args);
  return card.exclusive(async () => {
    await verifyUserPin(card, pin, args);
    return fn();
  });
}
