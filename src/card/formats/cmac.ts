/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493) for AES-128/192/256, used to authenticate key blobs (§9.1,
 * key = Kmac, 32 bytes → AES-256).
 *
 * Facts used: L = AES_K(0^128); K1 = L << 1, XOR 0x87 into the last byte if L's top bit was set;
 * K2 = K1 << 1 likewise. If the message is a non-empty multiple of 16 bytes, the last block is XORed
 * with K1; otherwise it is padded with 80 00… to 16 bytes and XORed with K2. The MAC is the last block of
 * AES-CBC with a zero IV over the result (full 16 bytes, no truncation).
 */
import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { FormatInputError } from './errors.ts';

const BLOCK = 16;
const RB = 0x87;

function cipherName(key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new FormatInputError(`AES-CMAC key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-cbc`;
}

/** AES-CBC with zero IV and no padding; `data` must be a multiple of 16 bytes. */
function cbcZeroIv(key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(cipherName(key), key, new Uint8Array(BLOCK)).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** One doubling in GF(2^128): shift left by one bit, conditionally XOR Rb (SP 800-38B §6.1). */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff;
  if (((block[0] ?? 0) & 0x80) !== 0) out[BLOCK - 1] = (out[BLOCK - 1] ?? 0) ^ RB;
  return out;
}

/** The subkeys K1, K2 (SP 800-38B §6.1). */
export function cmacSubkeys(key: Uint8Array): { k1: Uint8Array; k2: Uint8Array } {
  const l = cbcZeroIv(key, new Uint8Array(BLOCK));
  const k1 = double(l);
  return { k1, k2: double(k1) };
}

/** AES-CMAC of `message` (16 bytes). */
export function computeAesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const { k1, k2 } = cmacSubkeys(key);
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const blocks = complete ? message.length / BLOCK : Math.floor(message.length / BLOCK) + 1;
  const m = new Uint8Array(blocks * BLOCK);
  m.set(message, 0);
  if (!complete) m[message.length] = 0x80;
  const last = (blocks - 1) * BLOCK;
  const sub = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) m[last + i] = (m[last + i] ?? 0) ^ (sub[i] ?? 0);
  return cbcZeroIv(key, m).slice(last);
}

/** Constant-time check of a 16-byte MAC. */
export function verifyAesCmac(key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean {
  const expected = computeAesCmac(key, message);
  return mac.length === expected.length && timingSafeEqual(expected, mac);
}
