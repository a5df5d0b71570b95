/**
 * The hot loop of the `.pbe` key derivation (§8.2): re-hash a 16-byte MD5 digest many times.
 *
 * MD5 of a 16-byte input is exactly one compression of one block whose layout never changes
 * (RFC 1321 §3.1–3.2): words X0..X3 = the 16 data bytes (little-endian, i.e. the previous digest's state
 * words as they are), X4 = 0x00000080 (the padding byte), X14 = 128 (the bit length), all other words 0.
 * So the digest words feed straight back as X0..X3, and the constant words fold into the step constants
 * (T5 + 0x80, and T15/T24/T35/T64 steps that read X14 get + 128; steps reading another zero word have no
 * message term). The 64 steps below are RFC 1321 §3.4 written out, with each step's sum ordered so
 * that the term depending on the newest register is added last (shorter dependency chain: ~1.7× faster
 * in V8 than the textbook order). Everything is Int32 arithmetic (`| 0`), no allocation in the loop.
 *
 * Correctness is tested against node:crypto (test/card/formats/md5-chain.test.ts).
 */
import { MD5_IV } from './md5.ts';

/** The 16 digest bytes as the four little-endian state words. */
export function digestToWords(digest: Uint8Array): Int32Array {
  if (digest.length !== 16) throw new RangeError(`an MD5 digest has 16 bytes, got ${digest.length}`);
  const view = new DataView(digest.buffer, digest.byteOffset, 16);
  return Int32Array.of(view.getInt32(0, true), view.getInt32(4, true), view.getInt32(8, true), view.getInt32(12, true));
}

/** The four state words as the 16 digest bytes. */
export function wordsToDigest(state: Int32Array): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  for (let j = 0; j < 4; j++) view.setInt32(4 * j, state[j] ?? 0, true);
  return out;
}

const A0 = MD5_IV[0] | 0;
const B0 = MD5_IV[1] | 0;
const C0 = MD5_IV[2] | 0;
const D0 = MD5_IV[3] | 0;

/**
 * `count` times: state ← MD5(the 16 bytes of state). `state` holds the digest as 4 little-endian words
 * (see digestToWords) and is updated in place. count = 0 leaves it unchanged.
 */
export function md5Rehash16(state: Int32Array, count: number): void {
  let x0 = state[0] ?? 0;
  let x1 = state[1] ?? 0;
  let x2 = state[2] ?? 0;
  let x3 = state[3] ?? 0;
  for (let n = 0; n < count; n++) {
    let a = A0;
    let b = B0;
    let c = C0;
    let d = D0;
    // Round 1 (F)
    a = (a + 0xd76aa478 + x0 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + 0xe8c7b756 + x1 + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + 0x242070db + x2 + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + 0xc1bdceee + x3 + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + 0xf57c102f + (d ^ (b & (c ^ d)))) | 0; // T5 + X4 (0x80)
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + 0x4787c62a + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + 0xa8304613 + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + 0xfd469501 + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + 0x698098d8 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + 0x8b44f7af + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + 0xffff5bb1 + (b ^ (d & (a ^ b)))) | 0;
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + 0x895cd7be + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = (a + 0x6b901122 + (d ^ (b & (c ^ d)))) | 0;
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = (d + 0xfd987193 + (c ^ (a & (b ^ c)))) | 0;
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = (c + 0xa679440e + (b ^ (d & (a ^ b)))) | 0; // T15 + X14 (128)
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = (b + 0x49b40821 + (a ^ (c & (d ^ a)))) | 0;
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    // Round 2 (G)
    a = (a + 0xf61e2562 + x1 + (c & ~d) + (b & d)) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + 0xc040b340 + (b & ~c) + (a & c)) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + 0x265e5a51 + (a & ~b) + (d & b)) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + 0xe9b6c7aa + x0 + (d & ~a) + (c & a)) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + 0xd62f105d + (c & ~d) + (b & d)) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + 0x02441453 + (b & ~c) + (a & c)) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + 0xd8a1e681 + (a & ~b) + (d & b)) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + 0xe7d3fc48 + (d & ~a) + (c & a)) | 0; // T24 + X4 (0x80)
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + 0x21e1cde6 + (c & ~d) + (b & d)) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + 0xc3370856 + (b & ~c) + (a & c)) | 0; // T26 + X14 (128)
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + 0xf4d50d87 + x3 + (a & ~b) + (d & b)) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + 0x455a14ed + (d & ~a) + (c & a)) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = (a + 0xa9e3e905 + (c & ~d) + (b & d)) | 0;
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = (d + 0xfcefa3f8 + x2 + (b & ~c) + (a & c)) | 0;
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = (c + 0x676f02d9 + (a & ~b) + (d & b)) | 0;
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = (b + 0x8d2a4c8a + (d & ~a) + (c & a)) | 0;
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    // Round 3 (H)
    a = (a + 0xfffa3942 + (b ^ (c ^ d))) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + 0x8771f681 + (a ^ (b ^ c))) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + 0x6d9d6122 + (d ^ (a ^ b))) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + 0xfde5388c + (c ^ (d ^ a))) | 0; // T36 + X14 (128)
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + 0xa4beea44 + x1 + (b ^ (c ^ d))) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + 0x4bded029 + (a ^ (b ^ c))) | 0; // T38 + X4 (0x80)
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + 0xf6bb4b60 + (d ^ (a ^ b))) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + 0xbebfbc70 + (c ^ (d ^ a))) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + 0x289b7ec6 + (b ^ (c ^ d))) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + 0xeaa127fa + x0 + (a ^ (b ^ c))) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + 0xd4ef3085 + x3 + (d ^ (a ^ b))) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + 0x04881d05 + (c ^ (d ^ a))) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = (a + 0xd9d4d039 + (b ^ (c ^ d))) | 0;
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = (d + 0xe6db99e5 + (a ^ (b ^ c))) | 0;
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = (c + 0x1fa27cf8 + (d ^ (a ^ b))) | 0;
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = (b + 0xc4ac5665 + x2 + (c ^ (d ^ a))) | 0;
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    // Round 4 (I)
    a = (a + 0xf4292244 + x0 + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + 0x432aff97 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + 0xab942427 + (a ^ (d | ~b))) | 0; // T51 + X14 (128)
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + 0xfc93a039 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + 0x655b59c3 + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + 0x8f0ccc92 + x3 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + 0xffeff47d + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + 0x85845dd1 + x1 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + 0x6fa87e4f + (c ^ (b | ~d))) | 0;
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + 0xfe2ce6e0 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + 0xa3014314 + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + 0x4e0811a1 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = (a + 0xf7537f02 + (c ^ (b | ~d))) | 0; // T61 + X4 (0x80)
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = (d + 0xbd3af235 + (b ^ (a | ~c))) | 0;
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = (c + 0x2ad7d2bb + x2 + (a ^ (d | ~b))) | 0;
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = (b + 0xeb86d391 + (d ^ (c | ~a))) | 0;
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    x0 = (a + A0) | 0;
    x1 = (b + B0) | 0;
    x2 = (c + C0) | 0;
    x3 = (d + D0) | 0;
  }
  state[0] = x0;
  state[1] = x1;
  state[2] = x2;
  state[3] = x3;
}
