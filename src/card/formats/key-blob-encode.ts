/**
 * Host-side key blob ENCODER (§9.1), the inverse of key-blob.ts: builds what WRAP KEY returns, so schsm
 * can create blobs for UNWRAP KEY (backup tooling, tests) without a card. Padding and defaults follow
 * CardContact's DKEK.js: ISO 9797-1 method 2 to 16 bytes, empty access conditions and key OID, AES
 * allowed algorithms 10 11 18 99.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { computeAesCmac } from './cmac.ts';
import { FormatInputError } from './errors.ts';
import { deriveDkekKeys } from './kcv.ts';
import { encodeKeyBlobPlaintext } from './key-blob-components.ts';
import { KEY_BLOB_AES_DEFAULT_ALLOWED, KEY_BLOB_DEFAULT_ALGORITHM, KEY_BLOB_SIZES, keyBlobTypeOf } from './key-blob-layout.ts';
import type { KeyBlobKey } from './key-blob-layout.ts';

export interface EncodeKeyBlobOptions {
  /** The 8 random bytes prepended to the plaintext; fresh random bytes by default. */
  readonly random?: Uint8Array;
  /** Allowed algorithm ids (§4); default: empty for RSA/EC, 10 11 18 99 for AES. */
  readonly allowedAlgorithms?: Uint8Array;
  /** Default-algorithm OID value bytes; default by type (KEY_BLOB_DEFAULT_ALGORITHM). */
  readonly defaultAlgorithm?: Uint8Array;
  readonly accessConditions?: Uint8Array;
  readonly keyOid?: Uint8Array;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const top = bytes[i];
  return top === undefined ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(top));
}

/** The key-size field: RSA modulus bits, EC byte length of p × 8, AES key bytes (§9.1). */
export function keyBlobKeySize(key: KeyBlobKey): number {
  switch (key.kind) {
    case 'rsa':
    case 'rsa-crt':
      return bitLength(key.n);
    case 'ec':
      return key.p.length * 8;
    case 'aes':
      if (![16, 24, 32].includes(key.key.length)) throw new FormatInputError(`AES key must be 16, 24 or 32 bytes, got ${key.key.length}`);
      return key.key.length;
  }
}

function lengthPrefixed(value: Uint8Array, what: string): Uint8Array {
  if (value.length > 0xffff) throw new FormatInputError(`${what} is longer than 65535 bytes`);
  const out = new Uint8Array(2 + value.length);
  out.set([value.length >> 8, value.length & 0xff], 0);
  out.set(value, 2);
  return out;
}

function header(key: KeyBlobKey, kcv: Uint8Array, options: EncodeKeyBlobOptions): Uint8Array[] {
  const defaultOid =
    key.kind === 'aes'
      ? KEY_BLOB_DEFAULT_ALGORITHM.AES
      : key.kind === 'ec'
        ? KEY_BLOB_DEFAULT_ALGORITHM.EC
        : KEY_BLOB_DEFAULT_ALGORITHM.RSA;
  const allowed = options.allowedAlgorithms ?? (key.kind === 'aes' ? KEY_BLOB_AES_DEFAULT_ALLOWED : new Uint8Array(0));
  return [
    kcv,
    Uint8Array.of(keyBlobTypeOf(key.kind)),
    lengthPrefixed(options.defaultAlgorithm ?? defaultOid, 'default algorithm'),
    lengthPrefixed(allowed, 'allowed algorithms'),
    lengthPrefixed(options.accessConditions ?? new Uint8Array(0), 'access conditions'),
    lengthPrefixed(options.keyOid ?? new Uint8Array(0), 'key OID'),
  ];
}

/** Wrap `key` under `dkek` into a blob that a SmartCard-HSM with that DKEK accepts in UNWRAP KEY. */
export function encodeKeyBlob(key: KeyBlobKey, dkek: Uint8Array, options: EncodeKeyBlobOptions = {}): Uint8Array {
  const random = options.random ?? new Uint8Array(randomBytes(KEY_BLOB_SIZES.RANDOM));
  if (random.length !== KEY_BLOB_SIZES.RANDOM) throw new FormatInputError(`random prefix must be 8 bytes, got ${random.length}`);
  const keys = deriveDkekKeys(dkek);
  const plain = encodeKeyBlobPlaintext({ random, keySize: keyBlobKeySize(key), key });
  const c = createCipheriv('aes-256-cbc', keys.kenc, new Uint8Array(16)).setAutoPadding(false);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  plain.fill(0);
  const parts = [...header(key, keys.kcv, options), ciphertext];
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  const out = new Uint8Array(body.length + KEY_BLOB_SIZES.MAC);
  out.set(body, 0);
  out.set(computeAesCmac(keys.kmac, body), body.length);
  return out;
}
