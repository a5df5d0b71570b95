import { createHash } from 'node:crypto';
import { concat, fromHex } from '../../apdu/hex.ts';

/**
 * PKCS#1 (RFC 8017) encodings the card applies itself: EMSA-PKCS1-v1_5 around a DigestInfo (SIGN `30`
 * and `31..35`), EMSA-PSS around a pre-computed hash (SIGN `40..45`), and EME-PKCS1-v1_5 decoding
 * (DECIPHER `22`). node:crypto cannot PSS-sign a hash it did not compute, and node 20 refuses
 * PKCS#1 v1.5 decryption padding (CVE-2023-46809), so both are done here around the raw RSA operation.
 */

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Digest length in bytes. */
export const HASH_LENGTH = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 } as const satisfies Record<HashName, number>;

/** DER DigestInfo prefix per hash (RFC 8017 §9.2, note 1); the hash value follows. */
export const DIGEST_INFO_PREFIX = {
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
} as const satisfies Record<HashName, string>;

/** The hash whose length is `n` bytes (how the card reads a hash input, §3.13); undefined if none. */
export function hashForLength(n: number): HashName | undefined {
  return (Object.keys(HASH_LENGTH) as HashName[]).find((h) => HASH_LENGTH[h] === n);
}

export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}

/** DigestInfo for a hash value. */
export function digestInfo(hash: HashName, value: Uint8Array): Uint8Array {
  return concat(fromHex(DIGEST_INFO_PREFIX[hash]), value);
}

/** `00 01 FF…FF 00 T` of length k; undefined when T is longer than k − 11. */
export function emsaPkcs1v15(t: Uint8Array, k: number): Uint8Array | undefined {
  if (t.length > k - 11) return undefined;
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.length - 1] = 0x00;
  em.set(t, k - t.length);
  return em;
}

/** EME-PKCS1-v1_5 decoding of `00 02 PS 00 M` (|PS| ≥ 8); undefined when the block is malformed. */
export function emePkcs1v15Decode(em: Uint8Array): Uint8Array | undefined {
  if (em[0] !== 0x00 || em[1] !== 0x02) return undefined;
  const sep = em.indexOf(0x00, 2);
  if (sep < 10) return undefined;
  return em.slice(sep + 1);
}

/** MGF1 (RFC 8017 B.2.1). */
export function mgf1(hash: HashName, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let counter = 0, off = 0; off < length; counter++) {
    const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
    const block = digest(hash, concat(seed, c));
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
  }
  return out;
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of an already computed hash `mHash`, with MGF1 over the same hash
 * and the given salt; emBits = modulus bits − 1. undefined when the modulus is too small.
 */
export function emsaPssEncode(hash: HashName, mHash: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array | undefined {
  const hLen = HASH_LENGTH[hash];
  const emLen = Math.ceil(emBits / 8);
  if (mHash.length !== hLen || emLen < hLen + salt.length + 2) return undefined;
  const h = digest(hash, concat(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - salt.length - hLen - 2] = 0x01;
  db.set(salt, emLen - salt.length - hLen - 1);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  return concat(db, h, Uint8Array.of(0xbc));
}
