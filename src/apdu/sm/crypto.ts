/**
 * The symmetric primitives of BSI TR-03110 secure messaging with AES-128 (part 3, F.2 / F.3):
 * ISO/IEC 9797-1 padding method 2, AES-CBC with the IV E(K_enc, SSC), AES-CMAC (NIST SP 800-38B)
 * truncated to 8 bytes. Only node:crypto; no I/O. The simulator keeps its own copy (sim/sm/), so the
 * two sides of a test are not the same code.
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';

export const SM_BLOCK = 16;
/** TR-03110 part 3 F.3: the MAC of AES secure messaging is the CMAC truncated to 8 bytes. */
export const SM_MAC_LENGTH = 8;

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32)
    throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

/** AES-CBC without padding over whole blocks. */
export function aesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array, direction: 'encrypt' | 'decrypt'): Uint8Array {
  if (data.length % SM_BLOCK !== 0) throw new RangeError(`AES-CBC data must be whole 16-byte blocks, got ${data.length} bytes`);
  const c = direction === 'encrypt' ? createCipheriv(aesName(key, 'cbc'), key, iv) : createDecipheriv(aesName(key, 'cbc'), key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** One AES block encrypted alone (ECB): the IV of TR-03110 AES secure messaging is E(K_enc, SSC). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key, 'ecb'), key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/** ISO/IEC 9797-1 padding method 2 (ISO 7816-4 padding): `80`, then `00` up to a whole block; always adds. */
export function padIso(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((Math.floor(data.length / SM_BLOCK) + 1) * SM_BLOCK);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** Remove ISO padding; undefined when the data does not end with `80 00…` (a corrupted cryptogram). */
export function unpadIso(data: Uint8Array): Uint8Array | undefined {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > SM_BLOCK) return undefined;
  return data.subarray(0, i);
}

function dbl(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(SM_BLOCK);
  for (let i = 0; i < SM_BLOCK; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff;
  if (((block[0] ?? 0) & 0x80) !== 0) out[SM_BLOCK - 1] = (out[SM_BLOCK - 1] ?? 0) ^ 0x87;
  return out;
}

/** AES-CMAC (NIST SP 800-38B), all 16 bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k1 = dbl(aesEncryptBlock(key, new Uint8Array(SM_BLOCK)));
  const complete = message.length > 0 && message.length % SM_BLOCK === 0;
  const m = complete ? Uint8Array.from(message) : padIso(message);
  const subkey = complete ? k1 : dbl(k1);
  const last = m.length - SM_BLOCK;
  for (let i = 0; i < SM_BLOCK; i++) m[last + i] = (m[last + i] ?? 0) ^ (subkey[i] ?? 0);
  return aesCbc(key, new Uint8Array(SM_BLOCK), m, 'encrypt').slice(last);
}

/** Constant-time comparison of two MACs. */
export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
