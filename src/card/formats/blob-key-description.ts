/**
 * What a decrypted key blob holds: type, size, curve, public key and its fingerprint, allowed
 * algorithms, and whether the private and public parts agree. Nothing secret is in the result.
 */
import { createECDH } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { formatOid } from '../../apdu/oid.ts';
import { algorithmNames } from './algorithm-names.ts';
import { curveByPrime } from '../curves.ts';
import type { CurveParams } from '../curves.ts';
import { keyBlobTypeName } from './key-blob-layout.ts';
import type { KeyBlob, KeyBlobKey, KeyBlobPlaintext } from './key-blob-layout.ts';
import { rsaPublicKey } from '../cvc-key.ts';
import { ecPublicKey, spkiDer, spkiFingerprint } from './public-key.ts';
import { bytesToBigint } from './threshold.ts';

export interface BlobKeyDescription {
  readonly kind: 'rsa' | 'ec' | 'aes';
  /** Key type byte of the blob (5, 6, 12, 15). */
  readonly keyType: number;
  readonly typeName: string;
  /** RSA modulus bits, EC field bits (521 for secp521r1), AES key bits. */
  readonly bits: number;
  /** The raw key-size field of the plaintext (§9.1 units). */
  readonly keySizeField: number;
  readonly curve: CurveParams | undefined;
  readonly publicKey: KeyObject | undefined;
  /** SubjectPublicKeyInfo DER of the public key. */
  readonly spki: Uint8Array | undefined;
  /** SHA-256 of the SPKI DER, lowercase hex. */
  readonly fingerprint: string | undefined;
  /** Default-algorithm OID, dotted with name. */
  readonly defaultAlgorithm: string;
  readonly allowedAlgorithms: readonly string[];
  /** True when private and public parts agree (RSA arithmetic, EC d·G = Q, AES length). */
  readonly consistent: boolean;
  /** Why the key is not consistent or not fully described. */
  readonly problems: readonly string[];
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

function rsaProblems(key: Extract<KeyBlobKey, { kind: 'rsa' | 'rsa-crt' }>): string[] {
  const [n, e] = [bytesToBigint(key.n), bytesToBigint(key.e)];
  if (n < 3n || e < 3n) return ['RSA modulus or exponent is missing'];
  if (key.kind === 'rsa') {
    return modPow(modPow(2n, e, n), bytesToBigint(key.d), n) === 2n ? [] : ['RSA private exponent does not match the public key'];
  }
  const [p, q] = [bytesToBigint(key.p), bytesToBigint(key.q)];
  const out: string[] = [];
  if (p * q !== n) out.push('RSA p·q ≠ n');
  if (p > 1n && (bytesToBigint(key.dP) * e) % (p - 1n) !== 1n) out.push('RSA dP·e ≠ 1 mod (p−1)');
  if (q > 1n && (bytesToBigint(key.dQ) * e) % (q - 1n) !== 1n) out.push('RSA dQ·e ≠ 1 mod (q−1)');
  if (p > 1n && (bytesToBigint(key.qInv) * q) % p !== 1n) out.push('RSA qInv·q ≠ 1 mod p');
  return out;
}

function ecProblems(key: Extract<KeyBlobKey, { kind: 'ec' }>, curve: CurveParams): string[] {
  try {
    const derived = createECDH(curve.name);
    derived.setPrivateKey(key.d);
    return Buffer.from(derived.getPublicKey()).equals(key.publicPoint) ? [] : ['EC public point Q ≠ d·G'];
  } catch (err) {
    return [`EC private value is not usable on ${curve.name}: ${(err as Error).message}`];
  }
}

interface PublicPart {
  bits: number;
  curve: CurveParams | undefined;
  publicKey: KeyObject | undefined;
  problems: string[];
}

function publicPart(key: KeyBlobKey): PublicPart {
  switch (key.kind) {
    case 'aes':
      return { bits: key.key.length * 8, curve: undefined, publicKey: undefined, problems: [] };
    case 'rsa':
    case 'rsa-crt':
      return { bits: bitLength(bytesToBigint(key.n)), curve: undefined, publicKey: rsaPublicKey(key.n, key.e), problems: rsaProblems(key) };
    case 'ec': {
      const curve = curveByPrime(key.p);
      const bits = curve?.bits ?? bitLength(bytesToBigint(key.p));
      if (curve === undefined) return { bits, curve, publicKey: undefined, problems: ['EC curve not recognised (field prime unknown)'] };
      try {
        return { bits, curve, publicKey: ecPublicKey(curve, key.publicPoint), problems: ecProblems(key, curve) };
      } catch (err) {
        return { bits, curve, publicKey: undefined, problems: [`EC public point is not on ${curve.name}: ${(err as Error).message}`] };
      }
    }
  }
}

/** Describe the key of an opened blob. */
export function describeBlobKey(blob: KeyBlob, plaintext: KeyBlobPlaintext): BlobKeyDescription {
  const part = publicPart(plaintext.key);
  const spki = part.publicKey === undefined ? undefined : spkiDer(part.publicKey);
  const problems = [...part.problems];
  if (plaintext.key.kind === 'aes' && plaintext.keySize !== plaintext.key.key.length)
    problems.push('AES key-size field disagrees with the key');
  return {
    kind: plaintext.key.kind === 'rsa-crt' ? 'rsa' : plaintext.key.kind,
    keyType: blob.keyType,
    typeName: keyBlobTypeName(blob.keyType),
    bits: part.bits,
    keySizeField: plaintext.keySize,
    curve: part.curve,
    publicKey: part.publicKey,
    spki,
    fingerprint: spki === undefined ? undefined : spkiFingerprint(spki),
    defaultAlgorithm: formatOid(blob.defaultAlgorithm) ?? '(none)',
    allowedAlgorithms: algorithmNames(blob.allowedAlgorithms),
    consistent: problems.length === 0,
    problems,
  };
}
