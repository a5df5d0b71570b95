/**
 * The PKCS#12 key derivation (RFC 7292 Appendix B.2): keys (ID 1), IVs (ID 2) and MAC keys (ID 3)
 * from a password, a salt and an iteration count, for the legacy PBE algorithms and the classic
 * PKCS#12 MAC. The password enters as a BMPString with a terminating 00 00 (B.1).
 */
import { createHash } from 'node:crypto';

export const PKCS12_KDF_ID = { KEY: 1, IV: 2, MAC: 3 } as const;

/** Hash name → [output length u, block length v] in bytes. */
const HASHES: Readonly<Record<string, readonly [number, number]>> = {
  sha1: [20, 64],
  sha224: [28, 64],
  sha256: [32, 64],
  sha384: [48, 128],
  sha512: [64, 128],
};

/** The password as PKCS#12 wants it: UTF-16BE code units and 00 00 (RFC 7292 B.1); "" stays empty only when asked. */
export function bmpPassword(password: string, terminate = true): Uint8Array {
  const out = new Uint8Array(password.length * 2 + (terminate ? 2 : 0));
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** `src` repeated to fill a multiple of `v` bytes (empty stays empty). */
function stretch(src: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(src.length / v));
  for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] ?? 0;
  return out;
}

/** Derive `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC key) with `hash` (sha1 … sha512). */
export function pkcs12Kdf(hash: string, password: Uint8Array, salt: Uint8Array, iterations: number, id: number, n: number): Uint8Array {
  const sizes = HASHES[hash];
  if (sizes === undefined) throw new RangeError(`PKCS#12 KDF: unsupported hash ${hash}`);
  const [u, v] = sizes;
  const d = new Uint8Array(v).fill(id);
  const s = stretch(salt, v);
  const p = stretch(password, v);
  const i = new Uint8Array(s.length + p.length);
  i.set(s);
  i.set(p, s.length);
  p.fill(0);
  const out = new Uint8Array(Math.ceil(n / u) * u);
  try {
    for (let block = 0; block * u < n; block++) {
      let a = createHash(hash).update(d).update(i).digest();
      for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
      out.set(a, block * u);
      const b = stretch(a, v);
      a.fill(0);
      for (let j = 0; j < i.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = (i[j + k] ?? 0) + (b[k] ?? 0) + carry;
          i[j + k] = sum & 0xff;
          carry = sum >> 8;
        }
      }
      b.fill(0);
    }
    return out.slice(0, n);
  } finally {
    i.fill(0);
    out.fill(0);
  }
}
