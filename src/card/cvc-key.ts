/**
 * CV-certificate public keys ↔ node:crypto KeyObjects. EC keys go through a SubjectPublicKeyInfo with
 * the named-curve OID (node's JWK import lacks the brainpool curves); RSA keys through JWK.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { concat } from '../apdu/hex.ts';
import { encodeOid } from '../apdu/oid.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import { curveOidBytes, CURVES, type CurveParams } from './curves.ts';
import type { CvcPublicKey } from './cvc.ts';
import { CvcError } from './host-errors.ts';

const EC_PUBLIC_KEY_OID = encodeOid('1.2.840.10045.2.1');

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** SubjectPublicKeyInfo DER of an EC point on a named curve. */
export function ecSpki(curve: CurveParams, point: Uint8Array): Uint8Array {
  const algorithm = encodeTlv(0x30, [encodeTlv(0x06, EC_PUBLIC_KEY_OID), encodeTlv(0x06, curveOidBytes(curve))]);
  return encodeTlv(0x30, [algorithm, encodeTlv(0x03, concat(Uint8Array.of(0), point))]);
}

/** An RSA public key from modulus and exponent (big-endian, leading zeros allowed). */
export function rsaPublicKey(modulus: Uint8Array, exponent: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: b64url(stripZeros(modulus)), e: b64url(stripZeros(exponent)) }, format: 'jwk' });
}

/**
 * KeyObject of a CVC public key. EC templates without domain parameters (certificates below a CVCA
 * may omit them) take the curve of the issuer: pass it as `inheritedCurve`.
 */
export function cvcPublicKeyToKeyObject(pk: CvcPublicKey, inheritedCurve?: CurveParams): KeyObject {
  if (pk.kind === 'rsa') return rsaPublicKey(pk.modulus, pk.exponent);
  const curve = pk.curve ?? inheritedCurve;
  if (curve === undefined) throw new CvcError('EC public key without domain parameters and no issuer curve to inherit');
  if (pk.point === undefined) throw new CvcError('EC public key template without the public point (tag 86)');
  try {
    return createPublicKey({ key: Buffer.from(ecSpki(curve, pk.point)), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new CvcError(`the public point is not on ${curve.name}`, cause);
  }
}

/** Uncompressed point 04‖x‖y of an EC KeyObject (the tail of its SPKI). */
export function ecPointOf(key: KeyObject): Uint8Array {
  const curve = curveOfKey(key);
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  return spki.slice(spki.length - (1 + 2 * curve.fieldBytes));
}

/** Our curve entry for an EC KeyObject. */
export function curveOfKey(key: KeyObject): CurveParams {
  const name = key.asymmetricKeyDetails?.namedCurve;
  const curve = CURVES.find((c) => c.name === name || c.aliases.includes(name ?? ''));
  if (curve === undefined) throw new CvcError(`EC key on curve ${name ?? '?'} is not supported by the SmartCard-HSM`);
  return curve;
}

/** Modulus of an RSA KeyObject, big-endian without leading zeros. */
export function rsaModulusOf(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url'));
}
