/**
 * Host-side advice on new PINs (INITIALIZE, CHANGE REFERENCE DATA, RESET RETRY COUNTER), shared by
 * the CLI and the explorer: well-known example/default values, and sc-hsm-tool's rule tying the retry
 * counter to the PIN length (§7). Returns reasons; never prints or keeps the PIN.
 */
import { PIN_REF } from './constants.ts';

/** Values published in documentation and vendor defaults (§7): anyone can guess them. */
const WELL_KNOWN: Readonly<Record<number, readonly string[]>> = {
  [PIN_REF.USER]: ['648219', '123456', '1234567', '12345678', '000000', '111111', '654321'],
  // 3537363231383830 = ASCII "57621880", the sc-hsm-tool man page / Nitrokey default; the rest trivial.
  [PIN_REF.SO]: ['3537363231383830', '0000000000000000', '1111111111111111', '0123456789abcdef', '1234567812345678'],
};

/** Why this new PIN is a bad choice, or undefined. The reason never contains the PIN. */
export function weakPinReason(ref: number, pin: string): string | undefined {
  const norm = ref === PIN_REF.SO ? pin.toLowerCase() : pin;
  if ((WELL_KNOWN[ref] ?? []).includes(norm)) {
    return ref === PIN_REF.SO
      ? "the SO-PIN is a published example/default value (e.g. the sc-hsm-tool documentation's); anyone can re-initialise or unblock with it"
      : 'the user PIN is a published example/default or trivial value; anyone can guess it';
  }
  if (/^(.)\1*$/.test(norm)) return `the ${ref === PIN_REF.SO ? 'SO-PIN' : 'user PIN'} repeats one character`;
  return undefined;
}

/**
 * Largest user-PIN retry counter sc-hsm-tool allows for a PIN of this length: 6 characters → 3,
 * 7 → 5, longer → 10 (`sc-hsm-tool.c` `initialize`, §7). Shorter PINs get fewer guesses.
 */
export function maxRetryCounter(pinLength: number): number {
  if (pinLength <= 6) return 3;
  if (pinLength === 7) return 5;
  return 10;
}
