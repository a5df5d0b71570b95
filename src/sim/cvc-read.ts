import { constants, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { SW } from '../apdu/status-words.ts';
import { decodeTlv, decodeTlvs, encodeTlv, type Tlv, tlvBytes } from '../apdu/tlv.ts';
import { CardStatus } from './card-status.ts';
import { type Curve, curveByName, curveByPrime } from './crypto/curves.ts';
import { taScheme } from './cvc.ts';
import type { TrustedKey } from './types.ts';

/**
 * The card side of card-verifiable certificates (§10, §3.20): decode a certificate or an
 * authenticated request sent by the host and check its signatures. The simulator's own decoder,
 * independent of card/ (it is an oracle for the driver). Malformed input → 6A80.
 */

export interface CvcRead {
  readonly car: string | undefined;
  readonly chr: string;
  /** Children of 7F49. */
  readonly publicKey: readonly Tlv[];
  /** The complete 7F4E TLV (the signed bytes). */
  readonly body: Uint8Array;
  readonly signature: Uint8Array;
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const bad = (why: string): never => {
  throw new CardStatus(SW.INCORRECT_DATA, why);
};

function children(t: Tlv): Tlv[] {
  try {
    return decodeTlvs(t.value);
  } catch {
    return bad('malformed TLV');
  }
}

function find(list: readonly Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}

/** Decode the CONTENT of 7F21 (what PSO VERIFY CERTIFICATE carries) into its fields. */
export function readCvcContent(content: Uint8Array): CvcRead {
  return readCvc(decodeTlvOr(encodeTlv(0x7f21, content)));
}

function decodeTlvOr(bytes: Uint8Array): Tlv {
  try {
    return decodeTlv(bytes);
  } catch {
    return bad('malformed TLV');
  }
}

function readCvc(cert: Tlv): CvcRead {
  if (cert.tag !== 0x7f21) bad('not a CV certificate');
  const parts = children(cert);
  const bodyTlv = find(parts, 0x7f4e) ?? bad('no certificate body');
  const signature = find(parts, 0x5f37)?.value ?? bad('no signature');
  const fields = children(bodyTlv);
  const chr = find(fields, 0x5f20)?.value ?? bad('no CHR');
  const pk = find(fields, 0x7f49) ?? bad('no public key');
  const car = find(fields, 0x42)?.value;
  return {
    car: car === undefined ? undefined : latin1(car),
    chr: latin1(chr),
    publicKey: children(pk),
    body: tlvBytes(cert.value, bodyTlv),
    signature,
  };
}

export interface AuthenticatedRequestRead {
  readonly request: CvcRead;
  readonly outerCar: string;
  readonly outerSignature: Uint8Array;
  /** 7F21 TLV ‖ 42 TLV: the input of the outer signature. */
  readonly outerSigned: Uint8Array;
}

/** Decode the CONTENT of an authenticated request 67 (what MANAGE PKA register carries). */
export function readAuthenticatedRequestContent(content: Uint8Array): AuthenticatedRequestRead {
  let parts: Tlv[];
  try {
    parts = decodeTlvs(content);
  } catch {
    return bad('malformed TLV');
  }
  const cert = find(parts, 0x7f21) ?? bad('no inner request');
  const car = find(parts, 0x42) ?? bad('no outer CAR');
  const outerSignature = find(parts, 0x5f37)?.value ?? bad('no outer signature');
  return {
    request: readCvc(cert),
    outerCar: latin1(car.value),
    outerSignature,
    outerSigned: content.slice(cert.offset, car.offset + car.headerLength + car.value.length),
  };
}

function ecSpki(curve: Curve, point: Uint8Array): Uint8Array {
  const algorithm = encodeTlv(0x30, [
    encodeTlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01)), // id-ecPublicKey
    encodeTlv(0x06, curve.oid),
  ]);
  return encodeTlv(0x30, [algorithm, encodeTlv(0x03, Uint8Array.of(0, ...point))]);
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/**
 * The verification key in a 7F49 template: RSA (81 n, 82 e) or EC (81 p … 86 Q); an EC template
 * without domain parameters inherits the signer's curve (real device certificates, §10).
 */
export function trustedKeyOf(chr: string, publicKey: readonly Tlv[], inheritedCurve: string | undefined): TrustedKey {
  const oid = find(publicKey, 0x06)?.value ?? bad('no algorithm OID');
  const scheme = taScheme(oid) ?? bad('unknown signature algorithm');
  try {
    if (scheme.kind === 'rsa') {
      const n = find(publicKey, 0x81)?.value ?? bad('no modulus');
      const e = find(publicKey, 0x82)?.value ?? bad('no exponent');
      const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
      return { chr, key, oid, curve: undefined };
    }
    const p = find(publicKey, 0x81)?.value;
    const curve = p === undefined ? curveByName(inheritedCurve ?? '') : curveByPrime(p, find(publicKey, 0x82)?.value);
    const point = find(publicKey, 0x86)?.value ?? bad('no public point');
    if (curve === undefined) return bad('unknown curve');
    const key = createPublicKey({ key: Buffer.from(ecSpki(curve, point)), format: 'der', type: 'spki' });
    return { chr, key, oid, curve: curve.name };
  } catch (err) {
    if (err instanceof CardStatus) throw err;
    return bad('public key not usable');
  }
}

/** Check a TA signature (ECDSA r‖s, RSA PKCS#1 v1.5 or PSS) made by `signer` over `data`. */
export function verifyTa(signer: TrustedKey, data: Uint8Array, signature: Uint8Array): boolean {
  const scheme = taScheme(signer.oid);
  if (scheme === undefined) return false;
  try {
    if (scheme.kind === 'ec') return cryptoVerify(scheme.hash, data, { key: signer.key, dsaEncoding: 'ieee-p1363' }, signature);
    if (!scheme.pss) return cryptoVerify(scheme.hash, data, signer.key, signature);
    const pss = { key: signer.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    return cryptoVerify(scheme.hash, data, pss, signature);
  } catch {
    return false;
  }
}
