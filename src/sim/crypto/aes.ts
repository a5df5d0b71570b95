import { createCipheriv, createDecipheriv } from 'node:crypto';

/** AES-CBC with an all-zero IV and no padding, as the card uses it (key blob §9.1, CIPHER SYMMETRIC §3.15). */

export const AES_BLOCK = 16;

function cbcName(key: Uint8Array): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32)
    throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  return `aes-${key.length * 8}-cbc`;
}

/** Encrypt or decrypt whole 16-byte blocks with AES-CBC, IV = 16 zero bytes. */
export function aesCbcZeroIv(key: Uint8Array, data: Uint8Array, direction: 'encrypt' | 'decrypt'): Uint8Array {
  if (data.length % AES_BLOCK !== 0) throw new RangeError(`AES-CBC data must be a multiple of 16 bytes, got ${data.length}`);
  const iv = new Uint8Array(AES_BLOCK);
  const c = direction === 'encrypt' ? createCipheriv(cbcName(key), key, iv) : createDecipheriv(cbcName(key), key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}
