/**
 * DKEK assembly and the keys derived from it (§8.1):
 *   DKEK = share1 ⊕ share2 ⊕ … (32 bytes, starting from zero),
 *   KCV  = SHA-256(DKEK)[0..8],
 *   Kenc = SHA-256(DKEK ‖ 00 00 00 01)  (AES-256 key of the key blob),
 *   Kmac = SHA-256(DKEK ‖ 00 00 00 02)  (AES-CMAC key of the key blob).
 */
import { createHash } from 'node:crypto';
import { toHex } from '../../apdu/hex.ts';
import { FormatInputError } from './errors.ts';

export const DKEK_LENGTH = 32;

/** XOR of the 32-byte shares, as the card assembles them (§8.1, §8.4). Zero shares give the zero DKEK. */
export function assembleDkek(shares: readonly Uint8Array[]): Uint8Array {
  const dkek = new Uint8Array(DKEK_LENGTH);
  shares.forEach((share, n) => {
    if (share.length !== DKEK_LENGTH) throw new FormatInputError(`DKEK share ${n + 1} has ${share.length} bytes, expected 32`);
    for (let i = 0; i < DKEK_LENGTH; i++) dkek[i] = (dkek[i] ?? 0) ^ (share[i] ?? 0);
  });
  return dkek;
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function checkDkek(dkek: Uint8Array): void {
  if (dkek.length !== DKEK_LENGTH) throw new FormatInputError(`a DKEK has 32 bytes, got ${dkek.length}`);
}

/** Key check value: the first 8 bytes of SHA-256(DKEK). */
export function dkekKcv(dkek: Uint8Array): Uint8Array {
  checkDkek(dkek);
  return sha256(dkek).slice(0, 8);
}

/**
 * A key check value as every result of the library reports it: 16 upper-case hex digits, as
 * sc-hsm-tool prints it ("DKEK key check value : 6C609824B9CA28EB") and `schsm status` shows it.
 * Only the byte layouts (KeyBlob, DkekKeys, dkekKcv) carry the 8 bytes they decode or compute.
 */
export type Kcv = string;

/** The KCV as sc-hsm-tool prints it ("DKEK key check value : 6C609824B9CA28EB"). */
export function formatKcv(kcv: Uint8Array): Kcv {
  return toHex(kcv);
}

/** Kenc = SHA-256(DKEK ‖ 00000001), the AES-256 key that encrypts key blobs. */
export function dkekKenc(dkek: Uint8Array): Uint8Array {
  checkDkek(dkek);
  return sha256(dkek, Uint8Array.of(0, 0, 0, 1));
}

/** Kmac = SHA-256(DKEK ‖ 00000002), the AES-CMAC key that authenticates key blobs. */
export function dkekKmac(dkek: Uint8Array): Uint8Array {
  checkDkek(dkek);
  return sha256(dkek, Uint8Array.of(0, 0, 0, 2));
}

/** All three derived values of a DKEK. */
export interface DkekKeys {
  readonly kcv: Uint8Array;
  readonly kenc: Uint8Array;
  readonly kmac: Uint8Array;
}

/** KCV, Kenc and Kmac of a DKEK (§8). */
export function deriveDkekKeys(dkek: Uint8Array): DkekKeys {
  return { kcv: dkekKcv(dkek), kenc: dkekKenc(dkek), kmac: dkekKmac(dkek) };
}
