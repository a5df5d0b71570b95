import { createPrivateKey, randomBytes } from 'node:crypto';
import { bitLength, fromBigInt, gcd, mod, modInv, modPow, toBigInt } from './bigint.ts';

/**
 * RSA private keys as stored (PKCS#8 DER) ↔ their CRT components, the form the key blob carries
 * (§9.1 type 6). A type-5 blob (d, n, e only) is turned back into CRT form by factoring n from d.
 */
export interface RsaPrivate {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  /** q⁻¹ mod p ("PQ" in DKEK.js). */
  readonly qi: bigint;
  /** Modulus size in bits. */
  readonly bits: number;
}

const b64 = (v: bigint): string => Buffer.from(fromBigInt(v)).toString('base64url');
const num = (s: unknown): bigint => {
  if (typeof s !== 'string') throw new RangeError('RSA JWK component missing');
  return toBigInt(Buffer.from(s, 'base64url'));
};

/** Decode a PKCS#8 RSA private key. */
export function decodeRsaPkcs8(der: Uint8Array): RsaPrivate {
  const jwk = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA') throw new RangeError('not an RSA key');
  const n = num(jwk.n);
  return {
    n,
    e: num(jwk.e),
    d: num(jwk.d),
    p: num(jwk.p),
    q: num(jwk.q),
    dp: num(jwk.dp),
    dq: num(jwk.dq),
    qi: num(jwk.qi),
    bits: bitLength(n),
  };
}

/** Complete the CRT form from n, e, d, p, q. Throws when the numbers do not make an RSA key. */
export function rsaFromFactors(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint): RsaPrivate {
  if (p * q !== n) throw new RangeError('p·q ≠ n');
  return { n, e, d, p, q, dp: mod(d, p - 1n), dq: mod(d, q - 1n), qi: modInv(q, p), bits: bitLength(n) };
}

/**
 * Recover p and q from (n, e, d) (the classic randomized algorithm, e.g. NIST SP 800-56B Appendix C):
 * write e·d − 1 = 2^t·r, try random g until some g^(r·2^i) is a non-trivial square root of 1.
 */
export function factorModulus(n: bigint, e: bigint, d: bigint): { p: bigint; q: bigint } {
  const k = e * d - 1n;
  if (k <= 0n || (k & 1n) === 1n) throw new RangeError('e·d − 1 must be even and positive');
  let r = k;
  let t = 0;
  while ((r & 1n) === 0n) {
    r >>= 1n;
    t++;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const g = mod(toBigInt(randomBytes(Math.ceil(bitLength(n) / 8))), n - 3n) + 2n;
    let x = modPow(g, r, n);
    for (let i = 0; i < t && x !== 1n && x !== n - 1n; i++) {
      const y = (x * x) % n;
      if (y === 1n) {
        const p = gcd(x - 1n, n);
        const [big, small] = p > n / p ? [p, n / p] : [n / p, p];
        return { p: big, q: small };
      }
      x = y;
    }
  }
  throw new RangeError('could not factor n from (e, d): inconsistent RSA key');
}

/** Encode CRT components as PKCS#8 DER (node checks the key's consistency). */
export function encodeRsaPkcs8(k: RsaPrivate): Uint8Array {
  const key = createPrivateKey({
    key: { kty: 'RSA', n: b64(k.n), e: b64(k.e), d: b64(k.d), p: b64(k.p), q: b64(k.q), dp: b64(k.dp), dq: b64(k.dq), qi: b64(k.qi) },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
}
