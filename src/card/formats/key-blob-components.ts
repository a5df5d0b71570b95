/**
 * The plaintext inside a key blob (§9.1): random(8) ‖ key size(2) ‖ components ‖ padding.
 * Components are len(2) ‖ value, in the order of the key type; an AES key is raw (length = key size).
 * Padding is ISO/IEC 9797-1 method 2 to 16 bytes: always one 80 byte, then zeros (DKEK.js; a full
 * block when already aligned). Parsing goes by the length fields and ignores the padding, like the card.
 */
import { FileFormatError } from './errors.ts';
import { KEY_BLOB_SIZES, KEY_BLOB_TYPE } from './key-blob-layout.ts';
import type { KeyBlobKey, KeyBlobPlaintext } from './key-blob-layout.ts';

const FORMAT = 'key blob plaintext';

const COMPONENTS = {
  [KEY_BLOB_TYPE.RSA]: ['d', 'n', 'e'],
  [KEY_BLOB_TYPE.RSA_CRT]: ['dP', 'dQ', 'p', 'qInv', 'q', 'n', 'e'],
  [KEY_BLOB_TYPE.EC]: ['a', 'b', 'p', 'order', 'generator', 'd', 'publicPoint'],
} as const;

/** Reads len(2) ‖ value fields. */
class FieldReader {
  offset = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  take(n: number, what: string): Uint8Array {
    if (this.offset + n > this.bytes.length) {
      throw new FileFormatError(FORMAT, `${what} needs ${n} bytes at offset ${this.offset}, only ${this.bytes.length - this.offset} left`, {
        hint: 'the blob is damaged or was not produced by a SmartCard-HSM',
      });
    }
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  u16(what: string): number {
    const b = this.take(2, `length of ${what}`);
    return ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  }
  field(what: string): Uint8Array {
    return this.take(this.u16(what), what).slice();
  }
}

/** The named len(2) ‖ value fields, in order. */
function readFields<const N extends readonly string[]>(r: FieldReader, names: N): Record<N[number], Uint8Array> {
  const out: Partial<Record<N[number], Uint8Array>> = {};
  for (const name of names as readonly N[number][]) out[name] = r.field(name);
  return out as Record<N[number], Uint8Array>;
}

function parseComponents(type: number, r: FieldReader, keySize: number): KeyBlobKey {
  switch (type) {
    case KEY_BLOB_TYPE.AES:
      return { kind: 'aes', key: r.take(keySize, 'AES key').slice() };
    case KEY_BLOB_TYPE.RSA:
      return { kind: 'rsa', ...readFields(r, COMPONENTS[type]) };
    case KEY_BLOB_TYPE.RSA_CRT:
      return { kind: 'rsa-crt', ...readFields(r, COMPONENTS[type]) };
    case KEY_BLOB_TYPE.EC:
      return { kind: 'ec', ...readFields(r, COMPONENTS[type]) };
    default:
      throw new FileFormatError(FORMAT, `unknown key type 0x${type.toString(16).padStart(2, '0')}`, {
        hint: 'known types: 05 RSA, 06 RSA-CRT, 0C EC, 0F AES',
      });
  }
}

/** Parse the decrypted plaintext of a blob of `type`. */
export function parseKeyBlobPlaintext(type: number, plaintext: Uint8Array): KeyBlobPlaintext {
  const r = new FieldReader(plaintext);
  const random = r.take(KEY_BLOB_SIZES.RANDOM, 'random prefix').slice();
  const keySize = r.u16('key size');
  const key = parseComponents(type, r, keySize);
  return { random, keySize, key };
}

function lengthPrefixed(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + value.length);
  out[0] = value.length >> 8;
  out[1] = value.length & 0xff;
  out.set(value, 2);
  return out;
}

function componentBytes(key: KeyBlobKey): Uint8Array[] {
  switch (key.kind) {
    case 'aes':
      return [key.key];
    case 'rsa':
      return COMPONENTS[KEY_BLOB_TYPE.RSA].map((c) => lengthPrefixed(key[c]));
    case 'rsa-crt':
      return COMPONENTS[KEY_BLOB_TYPE.RSA_CRT].map((c) => lengthPrefixed(key[c]));
    case 'ec':
      return COMPONENTS[KEY_BLOB_TYPE.EC].map((c) => lengthPrefixed(key[c]));
  }
}

/** random ‖ keySize ‖ components ‖ 80 00… (to a multiple of 16, at least one padding byte). */
export function encodeKeyBlobPlaintext(plaintext: KeyBlobPlaintext): Uint8Array {
  const parts = [plaintext.random, Uint8Array.of(plaintext.keySize >> 8, plaintext.keySize & 0xff), ...componentBytes(plaintext.key)];
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array((Math.floor(length / KEY_BLOB_SIZES.BLOCK) + 1) * KEY_BLOB_SIZES.BLOCK);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  out[o] = 0x80;
  return out;
}
