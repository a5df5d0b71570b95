/**
 * RC2 decryption (RFC 2268), only for reading the PKCS#12 files `openssl pkcs12 -legacy` and older
 * software write: their certificates are encrypted with pbeWithSHAAnd40BitRC2-CBC. node:crypto cannot
 * do RC2 since OpenSSL 3 moved it to the legacy provider, so it is written here from the RFC:
 * key expansion (§2) with an effective key length, and the decryption rounds (§4). CBC with PKCS#5
 * padding around the block function. Never used to encrypt anything.
 */
import { FileFormatError } from './errors.ts';

/** PITABLE of RFC 2268 §2: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Uint8Array.from(
  [
    'd9 78 f9 c4 19 dd b5 ed 28 e9 fd 79 4a a0 d8 9d c6 7e 37 83 2b 76 53 8e 62 4c 64 88 44 8b fb a2',
    '17 9a 59 f5 87 b3 4f 13 61 45 6d 8d 09 81 7d 32 bd 8f 40 eb 86 b7 7b 0b f0 95 21 22 5c 6b 4e 82',
    '54 d6 65 93 ce 60 b2 1c 73 56 c0 14 a7 8c f1 dc 12 75 ca 1f 3b be e4 d1 42 3d d4 30 a3 3c b6 26',
    '6f bf 0e da 46 69 07 57 27 f2 1d 9b bc 94 43 03 f8 11 c7 f6 90 ef 3e e7 06 c3 d5 2f c8 66 1e d7',
    '08 e8 ea de 80 52 ee f7 84 aa 72 ac 35 4d 6a 2a 96 1a d2 71 5a 15 49 74 4b 9f d0 5e 04 18 a4 ec',
    'c2 e0 41 6e 0f 51 cb cc 24 91 af 50 a1 f4 70 39 99 7c 3a 85 23 b8 b4 7a fc 02 36 5b 25 55 97 31',
    '2d 5d fa 98 e3 8a 92 ae 05 df 29 10 67 6c ba c9 d3 00 e6 cf e1 9e a8 2c 63 16 01 3f 58 e2 89 a9',
    '0d 38 34 1b ab 33 ff b0 bb 48 0c 5f b9 b1 cd 2e c5 f3 db 47 e5 a5 9c 77 0a a6 20 68 fe 7f c1 ad',
  ]
    .join(' ')
    .split(' '),
  (x) => parseInt(x, 16),
);

/** The 64 16-bit key words K[0..63] of `key` with `effectiveBits` effective key bits (RFC 2268 §2). */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new FileFormatError('RC2', `key of ${key.length} bytes (1..128 allowed)`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024)
    throw new FileFormatError('RC2', `effective key length ${effectiveBits} bits (1..1024 allowed)`);
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  for (let i = t; i < 128; i++) l[i] = PITABLE[((l[i - 1] ?? 0) + (l[i - t] ?? 0)) & 0xff] ?? 0;
  l[128 - t8] = PITABLE[(l[128 - t8] ?? 0) & tm] ?? 0;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[(l[i + 1] ?? 0) ^ (l[i + t8] ?? 0)] ?? 0;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] ?? 0) | ((l[2 * i + 1] ?? 0) << 8);
  l.fill(0);
  return k;
}

const S = [1, 2, 3, 5] as const;

/** Decrypt one 8-byte block in place (RFC 2268 §4.5: 5 r-mix, r-mash, 6 r-mix, r-mash, 5 r-mix). */
export function rc2DecryptBlock(k: Uint16Array, block: Uint8Array, at = 0): void {
  const r = new Uint16Array(4);
  for (let i = 0; i < 4; i++) r[i] = (block[at + 2 * i] ?? 0) | ((block[at + 2 * i + 1] ?? 0) << 8);
  let j = 63;
  const word = (i: number): number => r[i & 3] ?? 0;
  const mix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = S[i] ?? 0;
      const v = word(i);
      const rotated = ((v >>> s) | (v << (16 - s))) & 0xffff;
      r[i] = rotated - (k[j--] ?? 0) - (word(i - 1) & word(i - 2)) - (~word(i - 1) & word(i - 3));
    }
  };
  const mash = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = word(i) - (k[word(i - 1) & 63] ?? 0);
  };
  for (const [rounds, thenMash] of [
    [5, true],
    [6, true],
    [5, false],
  ] as const) {
    for (let n = 0; n < rounds; n++) mix();
    if (thenMash) mash();
  }
  for (let i = 0; i < 4; i++) {
    block[at + 2 * i] = (r[i] ?? 0) & 0xff;
    block[at + 2 * i + 1] = (r[i] ?? 0) >> 8;
  }
  r.fill(0);
}

/** RC2-CBC decryption with PKCS#5 padding removed (a bad pad is a wrong key: WrongPassword upstream). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (iv.length !== 8 || data.length === 0 || data.length % 8 !== 0) return undefined;
  const k = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data); // a copy (Buffer#slice would be a view)
  try {
    for (let at = out.length - 8; at >= 0; at -= 8) {
      rc2DecryptBlock(k, out, at);
      const prev = at === 0 ? iv : data.subarray(at - 8, at);
      for (let i = 0; i < 8; i++) out[at + i] = (out[at + i] ?? 0) ^ (prev[i] ?? 0);
    }
  } finally {
    k.fill(0);
  }
  const pad = out[out.length - 1] ?? 0;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad)) {
    out.fill(0);
    return undefined;
  }
  const plain = out.slice(0, out.length - pad);
  out.fill(0);
  return plain;
}
