/**
 * Public keys of blob contents as node KeyObjects and SubjectPublicKeyInfo DER (RFC 5280 §4.1,
 * RFC 5480 for EC with a named-curve OID), plus the SHA-256 fingerprint of that DER.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { encodeOid } from '../../apdu/oid.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import type { NamedCurve } from './ec-curves.ts';

const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

function base64url(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i)).toString('base64url');
}

/** RSA public key from modulus and exponent (big-endian bytes). */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: base64url(n), e: base64url(e) }, format: 'jwk' });
}

/** SPKI DER of an EC point (04 ‖ x ‖ y) on a named curve. */
export function ecSpki(curve: NamedCurve, point: Uint8Array): Uint8Array {
  const algorithm = encodeTlv(0x30, [encodeTlv(0x06, encodeOid(ID_EC_PUBLIC_KEY)), encodeTlv(0x06, encodeOid(curve.oid))]);
  const bits = new Uint8Array(1 + point.length);
  bits.set(point, 1);
  return encodeTlv(0x30, [algorithm, encodeTlv(0x03, bits)]);
}

/** EC public key on a named curve; OpenSSL rejects points that are not on the curve. */
export function ecPublicKey(curve: NamedCurve, point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(ecSpki(curve, point)), format: 'der', type: 'spki' });
}

/** SPKI DER of any public KeyObject. */
export function spkiDer(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/** SHA-256 of the SPKI DER, lowercase hex. */
export function spkiFingerprint(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}
