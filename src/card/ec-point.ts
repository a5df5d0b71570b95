/**
 * Host-side EC arithmetic for DERIVE EC KEY (§3.16): the public key of a derived key,
 * Q' = Q + k·G, from the source key's PUBLIC point Q and the derivation parameter k — the additive
 * scheme whose private side is d' = (d + k) mod n. k·G is left to node:crypto (OpenSSL's scalar
 * multiplication: ECDH with k as the private key); the one addition Q + k·G is done here in affine
 * coordinates on y² = x³ + ax + b over GF(p) (node:crypto has no point addition).
 */
import { createECDH } from 'node:crypto';
import { concat } from '../apdu/hex.ts';
import type { CurveParams } from './curves.ts';
import { InvalidArgumentError } from './host-errors.ts';

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

/** Unsigned big-endian bytes → bigint. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let r = v;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(r & 0xffn);
    r >>= 8n;
  }
  return out;
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** a⁻¹ mod p for prime p (Fermat). */
const inverse = (a: bigint, p: bigint): bigint => modPow(a, p - 2n, p);

function decode(curve: CurveParams, point: Uint8Array): Point {
  const f = curve.fieldBytes;
  if (point.length !== 1 + 2 * f || point[0] !== 0x04) throw new InvalidArgumentError(`not an uncompressed ${curve.name} point`);
  return { x: bytesToBigInt(point.subarray(1, 1 + f)), y: bytesToBigInt(point.subarray(1 + f)) };
}

/** P + Q on the curve (uncompressed points in and out). The point at infinity is an error. */
export function addPoints(curve: CurveParams, p1: Uint8Array, p2: Uint8Array): Uint8Array {
  const p = bytesToBigInt(curve.p);
  const a = decode(curve, p1);
  const b = decode(curve, p2);
  let lambda: bigint;
  if (a.x === b.x) {
    if (mod(a.y + b.y, p) === 0n) throw new InvalidArgumentError('the points add up to the point at infinity');
    lambda = mod((3n * a.x * a.x + bytesToBigInt(curve.a)) * inverse(2n * a.y, p), p);
  } else lambda = mod((b.y - a.y) * inverse(mod(b.x - a.x, p), p), p);
  const x = mod(lambda * lambda - a.x - b.x, p);
  const y = mod(lambda * (a.x - x) - a.y, p);
  return concat(Uint8Array.of(0x04), toBytes(x, curve.fieldBytes), toBytes(y, curve.fieldBytes));
}

/** k·G for 0 < k < n, by OpenSSL (node:crypto ECDH with k as the private key). */
export function multiplyBase(curve: CurveParams, k: bigint): Uint8Array {
  const n = bytesToBigInt(curve.n);
  if (k <= 0n || k >= n) throw new InvalidArgumentError(`the scalar must be in 1..n-1 of ${curve.name}`);
  const ecdh = createECDH(curve.name);
  ecdh.setPrivateKey(Buffer.from(toBytes(k, curve.n.length)));
  return new Uint8Array(ecdh.getPublicKey());
}

/**
 * The derived public key Q' = Q + k·G (uncompressed). `param` is the big-endian parameter the card
 * gets; it must be 1..n-1 (InvalidArgumentError otherwise), so that d' = d + k (mod n) is a new key.
 */
export function derivedPublicPoint(curve: CurveParams, q: Uint8Array, param: Uint8Array): Uint8Array {
  return addPoints(curve, q, multiplyBase(curve, bytesToBigInt(param)));
}
