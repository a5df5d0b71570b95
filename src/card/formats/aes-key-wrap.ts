/**
 * AES key unwrapping as PKCS#11 HSMs export keys: CKM_AES_KEY_WRAP = RFC 3394 (default IV
 * A6A6A6A6A6A6A6A6, whole 64-bit semiblocks) and CKM_AES_KEY_WRAP_PAD = RFC 5649 (alternative IV
 * A65959A6 ‖ 32-bit message length, zero padding; one block = plain AES). Which of the two was used
 * is read from the integrity check value after unwrapping (a wrong KEK passes neither: 2^-64).
 * The unwrap rounds (RFC 3394 §2.2.2, index-based): for j = 5..0, i = n..1:
 *   B = AES⁻¹(K, (A ⊕ t) ‖ R[i]) with t = n·j + i;  A = MSB64(B);  R[i] = LSB64(B).
 */
import { createDecipheriv } from 'node:crypto';
import { FormatInputError, MacError } from './errors.ts';

export type KeyWrapMode = 'rfc3394' | 'rfc5649';

const IV_3394 = Uint8Array.of(0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6);
const AIV_5649 = Uint8Array.of(0xa6, 0x59, 0x59, 0xa6);

function aesDecryptBlocks(kek: Uint8Array): (block: Uint8Array) => Uint8Array {
  if (![16, 24, 32].includes(kek.length))
    throw new FormatInputError(`a key-encryption key has 16, 24 or 32 bytes (AES-128/192/256), got ${kek.length}`);
  const d = createDecipheriv(`aes-${kek.length * 8}-ecb`, kek, null).setAutoPadding(false);
  return (block) => new Uint8Array(d.update(block));
}

/** RFC 3394 §2.2.2 unwrap without the final check: the integrity value A and the semiblocks. */
function unwrapRounds(decrypt: (b: Uint8Array) => Uint8Array, wrapped: Uint8Array): { a: Uint8Array; r: Uint8Array } {
  const n = wrapped.length / 8 - 1;
  const a = wrapped.slice(0, 8);
  const r = wrapped.slice(8);
  const b = new Uint8Array(16);
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      let t = n * j + i;
      for (let k = 7; k >= 0 && t > 0; k--, t = Math.floor(t / 256)) a[k] = (a[k] ?? 0) ^ (t & 0xff);
      b.set(a, 0);
      b.set(r.subarray((i - 1) * 8, i * 8), 8);
      const out = decrypt(b);
      a.set(out.subarray(0, 8));
      r.set(out.subarray(8), (i - 1) * 8);
      out.fill(0);
    }
  }
  b.fill(0);
  return { a, r };
}

const equal = (x: Uint8Array, y: Uint8Array): boolean => x.length === y.length && x.every((v, i) => v === y[i]);

/** The RFC 5649 message length from A, when A is a valid AIV for `padded` bytes of plaintext. */
function padLength(a: Uint8Array, r: Uint8Array): number | undefined {
  if (!equal(a.subarray(0, 4), AIV_5649)) return undefined;
  const mli = (((a[4] ?? 0) << 24) | ((a[5] ?? 0) << 16) | ((a[6] ?? 0) << 8) | (a[7] ?? 0)) >>> 0;
  if (mli <= r.length - 8 || mli > r.length) return undefined;
  return r.subarray(mli).every((x) => x === 0) ? mli : undefined;
}

/**
 * Unwrap `wrapped` with `kek`. Returns the key data and which RFC it followed; MacError when the
 * integrity check fails (wrong KEK, damaged data, or not AES-key-wrapped at all).
 */
export function aesKeyUnwrap(kek: Uint8Array, input: Uint8Array): { readonly plain: Uint8Array; readonly mode: KeyWrapMode } {
  const wrapped = new Uint8Array(input); // a plain copy: slice() below must copy (Buffer#slice would not)
  if (wrapped.length < 16 || wrapped.length % 8 !== 0)
    throw new FormatInputError(`AES-wrapped data has a multiple of 8 bytes, at least 16; got ${wrapped.length}`);
  const decrypt = aesDecryptBlocks(kek);
  let a: Uint8Array;
  let r: Uint8Array;
  if (wrapped.length === 16) {
    const block = decrypt(wrapped);
    a = block.slice(0, 8);
    r = block.slice(8);
    block.fill(0);
  } else ({ a, r } = unwrapRounds(decrypt, wrapped));
  if (wrapped.length > 16 && equal(a, IV_3394)) return { plain: r, mode: 'rfc3394' };
  const length = padLength(a, r);
  if (length !== undefined) {
    const plain = r.slice(0, length);
    r.fill(0);
    return { plain, mode: 'rfc5649' };
  }
  r.fill(0);
  throw new MacError(
    'AES key unwrap failed its integrity check: wrong key-encryption key, or the data is not RFC 3394 / RFC 5649 wrapped',
    'give the KEK the key was exported under (--kek-file)',
  );
}
