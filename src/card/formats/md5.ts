/**
 * MD5 (RFC 1321), general-purpose and unoptimised: used for the first hash of each EVP_BytesToKey chain
 * (input = previous digest ‖ password ‖ salt, any length). The 10-million-fold re-hashing of 16-byte digests
 * runs in the specialised `md5-chain.ts` instead.
 *
 * Facts from RFC 1321 §3: little-endian words; padding `80`, zeros to 56 mod 64, then the bit length as a
 * 64-bit little-endian number; four rounds of 16 steps with the functions F, G, H, I, the sine table T,
 * message-word orders i, (5i+1) mod 16, (3i+5) mod 16, 7i mod 16 and the shift amounts below.
 */

/** Initial chaining values A, B, C, D (RFC 1321 §3.3). */
export const MD5_IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476] as const;

/** T[i] = floor(2^32 · |sin(i + 1)|) (RFC 1321 §3.4). */
const T = Uint32Array.of(
  0xd76aa478,
  0xe8c7b756,
  0x242070db,
  0xc1bdceee,
  0xf57c0faf,
  0x4787c62a,
  0xa8304613,
  0xfd469501,
  0x698098d8,
  0x8b44f7af,
  0xffff5bb1,
  0x895cd7be,
  0x6b901122,
  0xfd987193,
  0xa679438e,
  0x49b40821,
  0xf61e2562,
  0xc040b340,
  0x265e5a51,
  0xe9b6c7aa,
  0xd62f105d,
  0x02441453,
  0xd8a1e681,
  0xe7d3fbc8,
  0x21e1cde6,
  0xc33707d6,
  0xf4d50d87,
  0x455a14ed,
  0xa9e3e905,
  0xfcefa3f8,
  0x676f02d9,
  0x8d2a4c8a,
  0xfffa3942,
  0x8771f681,
  0x6d9d6122,
  0xfde5380c,
  0xa4beea44,
  0x4bdecfa9,
  0xf6bb4b60,
  0xbebfbc70,
  0x289b7ec6,
  0xeaa127fa,
  0xd4ef3085,
  0x04881d05,
  0xd9d4d039,
  0xe6db99e5,
  0x1fa27cf8,
  0xc4ac5665,
  0xf4292244,
  0x432aff97,
  0xab9423a7,
  0xfc93a039,
  0x655b59c3,
  0x8f0ccc92,
  0xffeff47d,
  0x85845dd1,
  0x6fa87e4f,
  0xfe2ce6e0,
  0xa3014314,
  0x4e0811a1,
  0xf7537e82,
  0xbd3af235,
  0x2ad7d2bb,
  0xeb86d391,
);

/** Left-rotation amounts per round (RFC 1321 §3.4). */
const SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
] as const;

/** Message word used by step i (0..63). */
function wordIndex(i: number): number {
  if (i < 16) return i;
  if (i < 32) return (5 * i + 1) & 15;
  if (i < 48) return (3 * i + 5) & 15;
  return (7 * i) & 15;
}

/** Round function of step i applied to b, c, d. */
function roundFunction(i: number, b: number, c: number, d: number): number {
  if (i < 16) return (b & c) | (~b & d);
  if (i < 32) return (b & d) | (c & ~d);
  if (i < 48) return b ^ c ^ d;
  return c ^ (b | ~d);
}

/** One compression of the 16 words `x` into `state` (4 words), in place. */
export function md5Compress(state: Int32Array, x: Int32Array): void {
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  for (let i = 0; i < 64; i++) {
    const s = SHIFTS[i >> 4]?.[i & 3] ?? 0;
    const sum = (a + roundFunction(i, b, c, d) + (x[wordIndex(i)] ?? 0) + (T[i] ?? 0)) | 0;
    const rotated = ((sum << s) | (sum >>> (32 - s))) + b;
    a = d;
    d = c;
    c = b;
    b = rotated | 0;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
}

/** The padded message: data ‖ 80 ‖ 00… ‖ bit length (64-bit little-endian), a multiple of 64 bytes. */
function pad(data: Uint8Array): Uint8Array {
  const total = (((data.length + 8) >> 6) + 1) << 6;
  const out = new Uint8Array(total);
  out.set(data, 0);
  out[data.length] = 0x80;
  const view = new DataView(out.buffer);
  const bits = data.length * 8;
  view.setUint32(total - 8, bits >>> 0, true);
  view.setUint32(total - 4, Math.floor(bits / 0x100000000), true);
  return out;
}

/** MD5 digest (16 bytes) of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  const padded = pad(data);
  const view = new DataView(padded.buffer);
  const state = Int32Array.from(MD5_IV, (v) => v | 0);
  const x = new Int32Array(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let j = 0; j < 16; j++) x[j] = view.getInt32(block + 4 * j, true);
    md5Compress(state, x);
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  for (let j = 0; j < 4; j++) outView.setInt32(4 * j, state[j] ?? 0, true);
  return out;
}
