import { bytesEqual, concat, fromHex, u16 } from '../../apdu/hex.ts';
import type { KeyRecord } from '../types.ts';
import { bitLength, fromBigInt, gcd, mod, modInv, toBigInt } from './bigint.ts';
import { type Curve, curveByPrime } from './curves.ts';
import { decodeEcPkcs8, encodeEcPkcs8 } from './ec-key.ts';
import { publicPoint } from './ec-math.ts';
import { KEY_BLOB_DEFAULT_ALGORITHM, KEY_BLOB_TYPE } from './key-blob.ts';
import { type RsaPrivate, decodeRsaPkcs8, encodeRsaPkcs8, factorModulus, rsaFromFactors } from './rsa-key.ts';

/**
 * A key's plaintext inside the blob (§9.1): key size (2, BE) then components, each `len(2) ‖ value`
 * (AES: the key bytes without a length). RSA is written in CRT form (type 6) like the real card;
 * types 5 and 6 are both read. EC components are written at full field length (real-card form).
 */
export interface KeyMaterial {
  readonly type: number;
  readonly defaultAlgorithm: Uint8Array;
  readonly keyData: Uint8Array;
}

/** What a blob restores: the parts of a KeyRecord that come from the key itself. */
export type RestoredKey = Pick<KeyRecord, 'kind' | 'material' | 'bits' | 'curve'>;

const lv = (v: Uint8Array): Uint8Array => concat(u16(v.length), v);

function rsaMaterial(key: KeyRecord): KeyMaterial {
  const k = decodeRsaPkcs8(key.material);
  const whole = Math.ceil(k.bits / 8);
  const half = Math.ceil(k.bits / 16);
  const parts = [k.dp, k.dq, k.p, k.qi, k.q].map((v) => lv(fromBigInt(v, half)));
  const keyData = concat(u16(k.bits), ...parts, lv(fromBigInt(k.n, whole)), lv(fromBigInt(k.e)));
  return { type: KEY_BLOB_TYPE.RSA_CRT, defaultAlgorithm: fromHex(KEY_BLOB_DEFAULT_ALGORITHM.RSA), keyData };
}

function ecMaterial(key: KeyRecord): KeyMaterial {
  const { curve: c, d, q } = decodeEcPkcs8(key.material);
  const parts = [c.a, c.b, c.p, c.n, c.g, d, q].map(lv);
  return {
    type: KEY_BLOB_TYPE.EC,
    defaultAlgorithm: fromHex(KEY_BLOB_DEFAULT_ALGORITHM.EC),
    keyData: concat(u16(c.fieldBytes * 8), ...parts),
  };
}

/** The blob plaintext of a stored key. */
export function encodeKeyMaterial(key: KeyRecord): KeyMaterial {
  if (key.kind === 'rsa') return rsaMaterial(key);
  if (key.kind === 'ec') return ecMaterial(key);
  return {
    type: KEY_BLOB_TYPE.AES,
    defaultAlgorithm: fromHex(KEY_BLOB_DEFAULT_ALGORITHM.AES),
    keyData: concat(u16(key.material.length), key.material),
  };
}

/** Split `count` length-prefixed components off `data` (after the 2-byte key size). */
function components(data: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 2;
  for (let i = 0; i < count; i++) {
    if (off + 2 > data.length) throw new RangeError(`component ${i + 1} of ${count} is missing`);
    const len = ((data[off] ?? 0) << 8) | (data[off + 1] ?? 0);
    if (off + 2 + len > data.length) throw new RangeError(`component ${i + 1} overruns the key data`);
    out.push(data.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  return out;
}

function restoreRsa(type: number, data: Uint8Array): RestoredKey {
  let k: RsaPrivate;
  if (type === KEY_BLOB_TYPE.RSA) {
    const [d, n, e] = components(data, 3).map(toBigInt) as [bigint, bigint, bigint];
    const { p, q } = factorModulus(n, e, d);
    k = rsaFromFactors(n, e, d, p, q);
  } else {
    const [dp, dq, p, qi, q, n, e] = components(data, 7).map(toBigInt) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    k = rsaFromFactors(n, e, modInv(e, lambda), p, q);
    if (k.dp !== dp || k.dq !== dq || k.qi !== mod(qi, p)) throw new RangeError('RSA CRT components are inconsistent');
  }
  return { kind: 'rsa', material: encodeRsaPkcs8(k), bits: k.bits };
}

function restoreEc(data: Uint8Array): RestoredKey {
  const [a, b, p, , g, d, q] = components(data, 7) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const c: Curve | undefined = curveByPrime(p, a);
  if (c === undefined || toBigInt(b) !== toBigInt(c.b)) throw new RangeError('curve not supported');
  if (g.length > 0 && !bytesEqual(g, c.g)) throw new RangeError('generator does not match the curve');
  const dd = fromBigInt(toBigInt(d), c.n.length);
  if (toBigInt(dd) === 0n || toBigInt(dd) >= toBigInt(c.n)) throw new RangeError('private scalar out of range');
  if (q.length > 0 && !bytesEqual(q, publicPoint(c, dd))) throw new RangeError('public point does not match d');
  return { kind: 'ec', material: encodeEcPkcs8(c, dd), bits: bitLength(toBigInt(c.p)), curve: c.name };
}

function restoreAes(data: Uint8Array): RestoredKey {
  const size = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
  if (size !== 16 && size !== 24 && size !== 32) throw new RangeError(`AES key size ${size} bytes`);
  if (data.length < 2 + size) throw new RangeError('AES key truncated');
  return { kind: 'aes', material: data.slice(2, 2 + size), bits: size * 8 };
}

const OID_FOR_TYPE: Readonly<Record<number, string>> = {
  [KEY_BLOB_TYPE.RSA]: KEY_BLOB_DEFAULT_ALGORITHM.RSA,
  [KEY_BLOB_TYPE.RSA_CRT]: KEY_BLOB_DEFAULT_ALGORITHM.RSA,
  [KEY_BLOB_TYPE.EC]: KEY_BLOB_DEFAULT_ALGORITHM.EC,
  [KEY_BLOB_TYPE.AES]: KEY_BLOB_DEFAULT_ALGORITHM.AES,
};

/**
 * Rebuild a key from blob plaintext. Checks (as pico's `dkek_decode_key` does): known type, the
 * default-algorithm OID belonging to that type, then consistency of the numbers. Throws RangeError.
 */
export function decodeKeyMaterial(m: KeyMaterial): RestoredKey {
  const oid = OID_FOR_TYPE[m.type];
  if (oid === undefined) throw new RangeError(`unknown key type ${m.type}`);
  if (!bytesEqual(m.defaultAlgorithm, fromHex(oid))) throw new RangeError('default algorithm does not belong to the key type');
  if (m.type === KEY_BLOB_TYPE.AES) return restoreAes(m.keyData);
  if (m.type === KEY_BLOB_TYPE.EC) return restoreEc(m.keyData);
  return restoreRsa(m.type, m.keyData);
}
