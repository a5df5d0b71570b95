import { createHash } from 'node:crypto';
import { concat } from '../../apdu/hex.ts';

/**
 * Keys derived from the 32-byte DKEK (§8.1, verified against a real card in §11):
 * KCV = SHA-256(DKEK)[0..8], Kenc = SHA-256(DKEK ‖ 00000001), Kmac = SHA-256(DKEK ‖ 00000002).
 */

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

/** Key check value: the first 8 bytes of SHA-256(DKEK). */
export function dkekKcv(dkek: Uint8Array): Uint8Array {
  return sha256(dkek).slice(0, 8);
}

/** AES-256 key that encrypts the key blob body. */
export function dkekKenc(dkek: Uint8Array): Uint8Array {
  return sha256(concat(dkek, Uint8Array.of(0, 0, 0, 1)));
}

/** AES-256 key of the key blob CMAC. */
export function dkekKmac(dkek: Uint8Array): Uint8Array {
  return sha256(concat(dkek, Uint8Array.of(0, 0, 0, 2)));
}
