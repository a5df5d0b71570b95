import { constants, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { concat } from '../apdu/hex.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import type { Curve } from './crypto/curves.ts';

/**
 * Encoder for card-verifiable certificates and requests (BSI TR-03110 layout, §10). The simulator's
 * own encoder, independent of card/ (it is the oracle the driver's decoder is tested against).
 *
 *   7F21 { 7F4E { 5F29 CPI, 42 CAR, 7F49 public key, 5F20 CHR, [7F4C CHAT], [5F25], [5F24] }, 5F37 sig }
 *   67 { 7F21 …, 42 outer CAR, 5F37 outer signature over 7F21 ‖ 42 }
 */

/** Terminal-authentication algorithm OIDs (DER value, no 06 tag), §10. */
export const TA_OID = {
  RSA_V15_SHA1: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x01),
  RSA_V15_SHA256: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x02),
  RSA_PSS_SHA1: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x03),
  RSA_PSS_SHA256: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x04),
  RSA_V15_SHA512: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x05),
  RSA_PSS_SHA512: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x06),
  ECDSA_SHA1: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x01),
  ECDSA_SHA224: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x02),
  ECDSA_SHA256: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x03),
  ECDSA_SHA384: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x04),
  ECDSA_SHA512: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x05),
} as const;

/** How a TA OID signs: key family, hash, padding. */
export interface TaScheme {
  readonly kind: 'rsa' | 'ec';
  readonly hash: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  readonly pss: boolean;
}

const SCHEMES: ReadonlyArray<readonly [Uint8Array, TaScheme]> = [
  [TA_OID.RSA_V15_SHA1, { kind: 'rsa', hash: 'sha1', pss: false }],
  [TA_OID.RSA_V15_SHA256, { kind: 'rsa', hash: 'sha256', pss: false }],
  [TA_OID.RSA_PSS_SHA1, { kind: 'rsa', hash: 'sha1', pss: true }],
  [TA_OID.RSA_PSS_SHA256, { kind: 'rsa', hash: 'sha256', pss: true }],
  [TA_OID.RSA_V15_SHA512, { kind: 'rsa', hash: 'sha512', pss: false }],
  [TA_OID.RSA_PSS_SHA512, { kind: 'rsa', hash: 'sha512', pss: true }],
  [TA_OID.ECDSA_SHA1, { kind: 'ec', hash: 'sha1', pss: false }],
  [TA_OID.ECDSA_SHA224, { kind: 'ec', hash: 'sha224', pss: false }],
  [TA_OID.ECDSA_SHA256, { kind: 'ec', hash: 'sha256', pss: false }],
  [TA_OID.ECDSA_SHA384, { kind: 'ec', hash: 'sha384', pss: false }],
  [TA_OID.ECDSA_SHA512, { kind: 'ec', hash: 'sha512', pss: false }],
];

/** The signature scheme a TA OID names; undefined for an unknown OID. */
export function taScheme(oid: Uint8Array): TaScheme | undefined {
  for (const [o, s] of SCHEMES) if (o.length === oid.length && o.every((b, i) => b === oid[i])) return s;
  return undefined;
}

/** CHAT of CardContact's device PKI: OID 1.3.6.1.4.1.24991.3.1.1 and a 1-byte role (§11.7). */
export const CHAT_OID = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x03, 0x01, 0x01);
export const CHAT_ROLE = { ROOT: 0xc0, DICA: 0x80, DEVICE: 0x00 } as const;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** 7F49 for an EC key with explicit domain parameters 81..87 and, when known, the point 86 (§10). */
export function ecPublicKeyTemplate(oid: Uint8Array, curve: Curve, point?: Uint8Array): Uint8Array {
  const parts = [
    encodeTlv(0x06, oid),
    encodeTlv(0x81, curve.p),
    encodeTlv(0x82, curve.a),
    encodeTlv(0x83, curve.b),
    encodeTlv(0x84, curve.g),
    encodeTlv(0x85, curve.n),
  ];
  if (point !== undefined) parts.push(encodeTlv(0x86, point));
  parts.push(encodeTlv(0x87, Uint8Array.of(curve.h)));
  return encodeTlv(0x7f49, parts);
}

/** 7F49 for an RSA key: 06 OID, 81 modulus, 82 public exponent (§10). */
export function rsaPublicKeyTemplate(oid: Uint8Array, modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  return encodeTlv(0x7f49, [encodeTlv(0x06, oid), encodeTlv(0x81, modulus), encodeTlv(0x82, exponent)]);
}

/** A CV date: YYMMDD as six unpacked BCD digits (one digit 0..9 per byte). */
export function cvDate(date: Date): Uint8Array {
  const s = date.toISOString();
  const digits = s.slice(2, 4) + s.slice(5, 7) + s.slice(8, 10);
  return Uint8Array.from(digits, (c) => c.charCodeAt(0) - 0x30);
}

export interface CvcBodyFields {
  readonly car?: string;
  /** Encoded 7F49 template. */
  readonly publicKey: Uint8Array;
  readonly chr: string;
  readonly chat?: { readonly oid: Uint8Array; readonly role: number };
  readonly effective?: Date;
  readonly expiry?: Date;
}

/** The complete 7F4E certificate body TLV. */
export function encodeCvcBody(f: CvcBodyFields): Uint8Array {
  const parts = [encodeTlv(0x5f29, Uint8Array.of(0x00))];
  if (f.car !== undefined) parts.push(encodeTlv(0x42, text(f.car)));
  parts.push(f.publicKey, encodeTlv(0x5f20, text(f.chr)));
  if (f.chat !== undefined) parts.push(encodeTlv(0x7f4c, [encodeTlv(0x06, f.chat.oid), encodeTlv(0x53, Uint8Array.of(f.chat.role))]));
  if (f.effective !== undefined) parts.push(encodeTlv(0x5f25, cvDate(f.effective)));
  if (f.expiry !== undefined) parts.push(encodeTlv(0x5f24, cvDate(f.expiry)));
  return encodeTlv(0x7f4e, parts);
}

/**
 * Sign `data` the way CV certificates are signed: ECDSA as plain r‖s (2 × field size, TR-03111),
 * RSA as PKCS#1 v1.5 or PSS (salt = hash length).
 */
export function cvSign(key: KeyObject, scheme: TaScheme, data: Uint8Array): Uint8Array {
  if (scheme.kind === 'ec') return new Uint8Array(cryptoSign(scheme.hash, data, { key, dsaEncoding: 'ieee-p1363' }));
  if (!scheme.pss) return new Uint8Array(cryptoSign(scheme.hash, data, key));
  return new Uint8Array(
    cryptoSign(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }),
  );
}

/** 7F21 { body, 5F37 signature }. */
export function encodeCvc(body: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeTlv(0x7f21, [body, encodeTlv(0x5f37, signature)]);
}

/** The bytes the outer signature of an authenticated request covers: 7F21 TLV ‖ 42 TLV (§10). */
export function outerSignatureInput(innerCvc: Uint8Array, outerCar: string): Uint8Array {
  return concat(innerCvc, encodeTlv(0x42, text(outerCar)));
}

/** 67 { 7F21 …, 42 outer CAR, 5F37 outer signature } (§10, GAKP response). */
export function encodeAuthenticatedRequest(innerCvc: Uint8Array, outerCar: string, outerSignature: Uint8Array): Uint8Array {
  return encodeTlv(0x67, [innerCvc, encodeTlv(0x42, text(outerCar)), encodeTlv(0x5f37, outerSignature)]);
}
