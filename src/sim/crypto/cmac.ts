import { AES_BLOCK, aesCbcZeroIv } from './aes.ts';

/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493) for AES-128/192/256 keys: the key blob MAC under Kmac (§9.1)
 * and CIPHER SYMMETRIC `18` (§3.15). Computed as a zero-IV CBC-MAC whose last block is masked with
 * the subkey K1 (complete block) or K2 (padded with `80 00…`).
 */

const RB = 0x87;

/** Left shift of a 16-byte block by one bit, XOR Rb when the top bit fell out (SP 800-38B §6.1). */
function dbl(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff;
  if (((block[0] ?? 0) & 0x80) !== 0) out[AES_BLOCK - 1] = (out[AES_BLOCK - 1] ?? 0) ^ RB;
  return out;
}

/** AES-CMAC of `message` under `key`, 16 bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const l = aesCbcZeroIv(key, new Uint8Array(AES_BLOCK), 'encrypt');
  const k1 = dbl(l);
  const blocks = Math.max(1, Math.ceil(message.length / AES_BLOCK));
  const complete = message.length > 0 && message.length % AES_BLOCK === 0;
  const m = new Uint8Array(blocks * AES_BLOCK);
  m.set(message);
  if (!complete) m[message.length] = 0x80;
  const subkey = complete ? k1 : dbl(k1);
  const last = (blocks - 1) * AES_BLOCK;
  for (let i = 0; i < AES_BLOCK; i++) m[last + i] = (m[last + i] ?? 0) ^ (subkey[i] ?? 0);
  const cbc = aesCbcZeroIv(key, m, 'encrypt');
  return cbc.slice(last);
}
