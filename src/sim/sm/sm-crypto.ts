import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { aesCmac } from '../crypto/cmac.ts';

/**
 * The card side's primitives of TR-03110 AES secure messaging and chip authentication, written
 * separately from the driver's (apdu/sm/crypto.ts, card/secure-messaging/ca-keys.ts) so that a test of
 * one against the other compares two readings of the standard, not one piece of code with itself.
 */

const BLOCK = 16;

/** SSC (a 128-bit counter) as the 16-byte block that is MACed and encrypted for the IV. */
export function sscBlock(ssc: bigint): Uint8Array {
  const out = new Uint8Array(BLOCK);
  let v = ssc;
  for (let i = BLOCK - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** TR-03110 A.2.3 KDF, AES-128: SHA-1(secret ‖ nonce ‖ counter as 4 bytes), first 16 bytes. */
export function deriveKey(secret: Uint8Array, nonce: Uint8Array, counter: 1 | 2): Uint8Array {
  const h = createHash('sha1');
  h.update(secret);
  h.update(nonce);
  h.update(Uint8Array.of(0, 0, 0, counter));
  return new Uint8Array(h.digest()).slice(0, 16);
}

/** ISO/IEC 9797-1 method 2 padding to whole 16-byte blocks. */
export function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + BLOCK - (data.length % BLOCK));
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Undo `pad`; undefined on a broken pad. */
export function unpad(data: Uint8Array): Uint8Array | undefined {
  const end = data.lastIndexOf(0x80);
  if (end < 0 || data.length - end > BLOCK || data.subarray(end + 1).some((b) => b !== 0)) return undefined;
  return data.slice(0, end);
}

/** CMAC truncated to 8 bytes. */
export function mac8(kMac: Uint8Array, message: Uint8Array): Uint8Array {
  return aesCmac(kMac, message).slice(0, 8);
}

export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** AES-128-CBC with IV = AES-128-ECB(K_enc, SSC block), no padding. */
export function cbc(kEnc: Uint8Array, ssc: bigint, data: Uint8Array, encrypt: boolean): Uint8Array {
  const ivCipher = createCipheriv('aes-128-ecb', kEnc, null).setAutoPadding(false);
  const iv = Buffer.concat([ivCipher.update(sscBlock(ssc)), ivCipher.final()]);
  const c = encrypt ? createCipheriv('aes-128-cbc', kEnc, iv) : createDecipheriv('aes-128-cbc', kEnc, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}
