/**
 * Test-only key material from node:crypto (OpenSSL), used as an independent source for key blobs:
 * curve parameters come from OpenSSL's explicit-parameter SPKI encoding, private values from JWK.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { decodeTlv, childrenOf } from '../../../src/apdu/tlv.ts';
import type { Tlv } from '../../../src/apdu/tlv.ts';
import type { KeyBlobKey } from '../../../src/card/formats/index.ts';

const fromB64 = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

function child(tlv: Tlv | undefined, i: number): Tlv {
  const c = tlv === undefined ? undefined : childrenOf(tlv)[i];
  if (c === undefined) throw new Error(`missing child ${i}`);
  return c;
}

/** INTEGER content without a leading sign byte. */
function unsigned(v: Uint8Array): Uint8Array {
  return v.length > 1 && v[0] === 0 ? v.slice(1) : v.slice();
}

/** Left-pad to `n` bytes. */
export function pad(v: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(Math.max(n, v.length));
  out.set(v, out.length - v.length);
  return out;
}

export interface EcFixture {
  readonly key: Extract<KeyBlobKey, { kind: 'ec' }>;
  /** SHA-256 of node's own SPKI export (named-curve form, RFC 5480). */
  readonly fingerprint: string;
}

/** Curve parameters p, a, b, G, order from OpenSSL's explicit-parameter SPKI encoding of any key on `curve`. */
export function curveParameters(curve: string): { p: Uint8Array; a: Uint8Array; b: Uint8Array; generator: Uint8Array; order: Uint8Array } {
  const explicit = generateKeyPairSync('ec', { namedCurve: curve, paramEncoding: 'explicit' }).publicKey;
  const spki = decodeTlv(new Uint8Array(explicit.export({ type: 'spki', format: 'der' })));
  // SPKI { AlgorithmIdentifier { id-ecPublicKey, ECParameters { 1, fieldID { prime-field, p }, curve { a, b }, G, n, h } } }
  const params = child(child(spki, 0), 1);
  return {
    p: unsigned(child(child(params, 1), 1).value),
    a: child(child(params, 2), 0).value.slice(),
    b: child(child(params, 2), 1).value.slice(),
    generator: child(params, 3).value.slice(),
    order: unsigned(child(params, 4).value),
  };
}

/** A fresh EC key on `curve` as blob components; d and Q from its SEC 1 ECPrivateKey encoding. */
export function ecFixture(curve: string): EcFixture {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const params = curveParameters(curve);
  // ECPrivateKey { 1, privateKey OCTET STRING, [0] parameters, [1] publicKey BIT STRING }
  const sec1 = decodeTlv(new Uint8Array(privateKey.export({ type: 'sec1', format: 'der' })));
  const d = child(sec1, 1).value;
  const bitString = child(
    childrenOf(sec1).find((c) => c.tag === 0xa1),
    0,
  ).value;
  const key = { kind: 'ec', ...params, d: pad(d, params.p.length), publicPoint: bitString.slice(1) } as const;
  return {
    key,
    fingerprint: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex'),
  };
}

export interface RsaFixture {
  readonly crt: Extract<KeyBlobKey, { kind: 'rsa-crt' }>;
  readonly plain: Extract<KeyBlobKey, { kind: 'rsa' }>;
  /** SHA-256 of node's SPKI export. */
  readonly fingerprint: string;
}

export function rsaFixture(bits: number): RsaFixture {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const j = privateKey.export({ format: 'jwk' });
  const [n, e] = [fromB64(j.n), fromB64(j.e)];
  return {
    crt: { kind: 'rsa-crt', dP: fromB64(j.dp), dQ: fromB64(j.dq), p: fromB64(j.p), qInv: fromB64(j.qi), q: fromB64(j.q), n, e },
    plain: { kind: 'rsa', d: fromB64(j.d), n, e },
    fingerprint: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex'),
  };
}
