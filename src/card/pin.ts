/**
 * PIN encodings (§7): the user PIN goes on the wire as its ASCII bytes (6..16 of them); the SO-PIN
 * (initialization code) is 16 hexadecimal digits sent as 8 binary bytes, high nibble first.
 * Nothing here logs or keeps a PIN.
 */
import { InvalidArgumentError } from './host-errors.ts';

/** A PIN as text, or as the exact bytes to send. */
export type PinInput = string | Uint8Array;

export const USER_PIN_MIN = 6;
export const USER_PIN_MAX = 16;

/** User PIN → ASCII bytes; 6..16 bytes (§7, §13: 15 vs 16 — we accept 16 like sc-hsm-tool). */
export function encodeUserPin(pin: PinInput, what = 'user PIN'): Uint8Array {
  const bytes = typeof pin === 'string' ? new TextEncoder().encode(pin) : pin;
  if (typeof pin === 'string' && !/^[\x20-\x7e]*$/.test(pin)) throw new InvalidArgumentError(`the ${what} must be printable ASCII`);
  if (bytes.length < USER_PIN_MIN || bytes.length > USER_PIN_MAX) {
    throw new InvalidArgumentError(`the ${what} must be ${USER_PIN_MIN} to ${USER_PIN_MAX} characters, got ${bytes.length}`);
  }
  return bytes;
}

/** SO-PIN: 16 hex digits (case-insensitive) → 8 bytes (OpenSC sc_hsm_encode_sopin, §7); or 8 bytes as is. */
export function encodeSoPin(soPin: PinInput, what = 'SO-PIN'): Uint8Array {
  if (typeof soPin !== 'string') {
    if (soPin.length !== 8) throw new InvalidArgumentError(`the ${what} must be 8 bytes, got ${soPin.length}`);
    return soPin;
  }
  if (!/^[0-9a-fA-F]{16}$/.test(soPin)) {
    throw new InvalidArgumentError(
      `the ${what} must be exactly 16 hexadecimal digits`,
      'e.g. 3537363231383830 (the sc-hsm-tool documentation example)',
    );
  }
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = parseInt(soPin.slice(2 * i, 2 * i + 2), 16);
  return out;
}
