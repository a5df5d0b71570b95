/**
 * Key references: the byte P1/P2 of SIGN, DECIPHER, GENERATE …, and the low byte of a key's files
 * (CCxx key, C4xx description, CExx certificate or request). 0 is the device key, 1..255 the user's.
 * A reference outside 0..255 would be encoded into the wrong byte (or file): refused before anything
 * is encoded or sent, with an InvalidArgumentError.
 */
import { InvalidArgumentError } from './host-errors.ts';

/** The key reference itself, once checked to be a whole number 0..255. */
export function checkKeyRef(ref: number): number {
  if (!Number.isInteger(ref) || ref < 0 || ref > 255)
    throw new InvalidArgumentError(
      `key reference ${String(ref)} is out of range`,
      'a key reference is a whole number from 1 to 255 (0 is the device key); list the keys to see which exist',
    );
  return ref;
}

/** The FID of one of a key's files: `prefix` (FID_PREFIX.KEY, PRKD, EE_CERTIFICATE) ‖ key reference. */
export function keyFid(prefix: number, ref: number): number {
  return (prefix << 8) | checkKeyRef(ref);
}
