import { bytesEqual, concat } from '../../apdu/hex.ts';
import { AES_BLOCK, aesCbcZeroIv } from './aes.ts';
import { aesCmac } from './cmac.ts';
import { dkekKcv, dkekKenc, dkekKmac } from './dkek.ts';

/**
 * The DKEK key blob (§9.1) — WRAP KEY's response and UNWRAP KEY's input:
 *
 *   KCV(8) | type(1) | len(2) defaultAlgorithmOid | len(2) allowedAlgorithms | len(2) accessConditions
 *   | len(2) keyOid | AES-256-CBC(Kenc, IV 0, random(8) ‖ keyData ‖ ISO 9797-1 M2 padding)
 *   | AES-CMAC(Kmac, everything before)
 *
 * keyData = key size (2, BE) ‖ components (see key-components.ts). Lengths are big-endian 16-bit.
 */

export const KEY_BLOB_TYPE = {
  RSA: 0x05, // d, n, e
  RSA_CRT: 0x06, // dP, dQ, p, qInv, q, n, e
  EC: 0x0c, // a, b, p, order, G, d, Q
  AES: 0x0f, // key bytes
} as const;

/** Default-algorithm OIDs (DER value bytes, no 06 tag) per key type, §9.1. */
export const KEY_BLOB_DEFAULT_ALGORITHM = {
  RSA: '04007f00070202020102', // id-TA-RSA-v1-5-SHA-256
  EC: '04007f00070202020203', // id-TA-ECDSA-SHA-256
  AES: '6086480165030401', // 2.16.840.1.101.3.4.1 (aes)
} as const;

export interface KeyBlobContent {
  readonly type: number;
  readonly defaultAlgorithm: Uint8Array;
  /** Algorithm ids (§4) the key may be used with; empty = no restriction recorded. */
  readonly allowedAlgorithms: Uint8Array;
  readonly accessConditions: Uint8Array;
  readonly keyOid: Uint8Array;
  /** Key size (2) ‖ components, without the random prefix and without padding. */
  readonly keyData: Uint8Array;
}

export type KeyBlobDecodeResult =
  | { readonly kind: 'ok'; readonly content: KeyBlobContent }
  | { readonly kind: 'error'; readonly reason: 'format' | 'kcv' | 'mac'; readonly detail: string };

const RANDOM_LENGTH = 8;
const MAC_LENGTH = 16;

function lv(value: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(value.length >> 8, value.length & 0xff), value);
}

/** ISO/IEC 9797-1 padding method 2: `80` then `00` up to a multiple of 16 (always at least one byte). */
export function padIso9797M2(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / AES_BLOCK) + 1) * AES_BLOCK);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Build the blob; `random` is the 8-byte "Randomize" prefix (the card's RNG). */
export function encodeKeyBlob(dkek: Uint8Array, content: KeyBlobContent, random: Uint8Array): Uint8Array {
  if (random.length !== RANDOM_LENGTH) throw new RangeError('the blob needs 8 random bytes');
  const header = concat(
    dkekKcv(dkek),
    Uint8Array.of(content.type),
    lv(content.defaultAlgorithm),
    lv(content.allowedAlgorithms),
    lv(content.accessConditions),
    lv(content.keyOid),
  );
  const body = aesCbcZeroIv(dkekKenc(dkek), padIso9797M2(concat(random, content.keyData)), 'encrypt');
  const macInput = concat(header, body);
  return concat(macInput, aesCmac(dkekKmac(dkek), macInput));
}

/** Read a 2-byte length and that many bytes at `off`; undefined when the blob is too short. */
function readLv(blob: Uint8Array, off: number): { value: Uint8Array; next: number } | undefined {
  if (off + 2 > blob.length) return undefined;
  const len = ((blob[off] ?? 0) << 8) | (blob[off + 1] ?? 0);
  if (off + 2 + len > blob.length) return undefined;
  return { value: blob.slice(off + 2, off + 2 + len), next: off + 2 + len };
}

/**
 * Check KCV, then the CMAC, then decrypt. keyData keeps any padding (components are parsed by their
 * length fields, §9.1 note: DKEK.js and pico pad differently).
 */
export function decodeKeyBlob(dkek: Uint8Array, blob: Uint8Array): KeyBlobDecodeResult {
  const fail = (reason: 'format' | 'kcv' | 'mac', detail: string): KeyBlobDecodeResult => ({ kind: 'error', reason, detail });
  if (blob.length < 9 + 8 + MAC_LENGTH) return fail('format', `blob of ${blob.length} bytes is too short`);
  if (!bytesEqual(blob.subarray(0, 8), dkekKcv(dkek))) return fail('kcv', 'key check value does not match the DKEK');
  const fields: Uint8Array[] = [];
  let off = 9;
  for (let i = 0; i < 4; i++) {
    const f = readLv(blob, off);
    if (f === undefined) return fail('format', 'header length field overruns the blob');
    fields.push(f.value);
    off = f.next;
  }
  const macAt = blob.length - MAC_LENGTH;
  const cipherLength = macAt - off;
  if (cipherLength <= 0 || cipherLength % AES_BLOCK !== 0)
    return fail('format', `encrypted part of ${cipherLength} bytes is not whole AES blocks`);
  if (!bytesEqual(aesCmac(dkekKmac(dkek), blob.subarray(0, macAt)), blob.subarray(macAt))) return fail('mac', 'CMAC does not verify');
  const plain = aesCbcZeroIv(dkekKenc(dkek), blob.subarray(off, macAt), 'decrypt');
  const [defaultAlgorithm, allowedAlgorithms, accessConditions, keyOid] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return {
    kind: 'ok',
    content: { type: blob[8] ?? 0, defaultAlgorithm, allowedAlgorithms, accessConditions, keyOid, keyData: plain.slice(RANDOM_LENGTH) },
  };
}
