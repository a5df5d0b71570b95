/**
 * DER of X.509 v3 certificates (RFC 5280 §4.1) and PKCS#10 requests (RFC 2986 §4), built here with no
 * OpenSSL: names, validity, extensions and the to-be-signed parts. The signature itself comes from the
 * card (certificate-sign.ts); `signed` puts TBS, algorithm and signature together.
 *
 *   Certificate  30 { TBSCertificate, AlgorithmIdentifier, 03 signature }
 *   TBS          30 { A0 {02 01 02}, 02 serial, sigAlg, issuer, 30 {notBefore, notAfter}, subject, SPKI, A3 { 30 {ext…} } }
 *   Request      30 { 30 { 02 00, subject, SPKI, A0 { [30 { 06 extensionRequest, 31 { 30 {ext…} } }] } }, sigAlg, 03 signature }
 *
 * Signature algorithm identifiers: RFC 4055 (RSA PKCS#1 v1.5 and RSASSA-PSS, hash parameters absent
 * as RFC 5754 asks for SHA-2), RFC 5758 (ECDSA, no parameters).
 */
import { concat } from '../../apdu/hex.ts';
import { encodeOid } from '../../apdu/oid.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { FormatInputError } from './errors.ts';

export type SignatureHash = 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SignatureScheme = { readonly family: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa'; readonly hash: SignatureHash };

const tlv = encodeTlv;
const oid = (dotted: string): Uint8Array => tlv(0x06, encodeOid(dotted));
const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, parts);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const HASH_OID: Readonly<Record<SignatureHash, string>> = {
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const RSA_PKCS1_OID: Readonly<Record<SignatureHash, string>> = {
  sha224: '1.2.840.113549.1.1.14',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_OID: Readonly<Record<SignatureHash, string>> = {
  sha224: '1.2.840.10045.4.3.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const HASH_BYTES: Readonly<Record<SignatureHash, number>> = { sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** AlgorithmIdentifier of a signature scheme; PSS: salt = hash length, MGF1 with the same hash (what the card does, §3.13). */
export function signatureAlgorithm(s: SignatureScheme): Uint8Array {
  if (s.family === 'ecdsa') return seq(oid(ECDSA_OID[s.hash]));
  if (s.family === 'rsa-pkcs1') return seq(oid(RSA_PKCS1_OID[s.hash]), tlv(0x05));
  const hash = seq(oid(HASH_OID[s.hash]));
  const params = seq(
    tlv(0xa0, hash),
    tlv(0xa1, seq(oid('1.2.840.113549.1.1.8'), hash)),
    tlv(0xa2, tlv(0x02, Uint8Array.of(HASH_BYTES[s.hash]))),
  );
  return seq(oid('1.2.840.113549.1.1.10'), params);
}

/** Attribute types a subject may name, with the string type they are encoded in. */
const ATTRIBUTES: Readonly<Record<string, { oid: string; tag: number }>> = {
  CN: { oid: '2.5.4.3', tag: 0x0c },
  SN: { oid: '2.5.4.4', tag: 0x0c },
  SERIALNUMBER: { oid: '2.5.4.5', tag: 0x13 },
  C: { oid: '2.5.4.6', tag: 0x13 },
  L: { oid: '2.5.4.7', tag: 0x0c },
  ST: { oid: '2.5.4.8', tag: 0x0c },
  STREET: { oid: '2.5.4.9', tag: 0x0c },
  O: { oid: '2.5.4.10', tag: 0x0c },
  OU: { oid: '2.5.4.11', tag: 0x0c },
  TITLE: { oid: '2.5.4.12', tag: 0x0c },
  GN: { oid: '2.5.4.42', tag: 0x0c },
  DC: { oid: '0.9.2342.19200300.100.1.25', tag: 0x16 },
  UID: { oid: '0.9.2342.19200300.100.1.1', tag: 0x0c },
  EMAILADDRESS: { oid: '1.2.840.113549.1.9.1', tag: 0x16 },
};

/** Split on `sep` not preceded by a backslash; unescape `\x`. */
function splitEscaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) cur += text[++i];
    else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * A distinguished name from text, one RDN per attribute in the order written (as OpenSSL's `-subj`
 * and `schsm certs list` show them): `CN=Signer, O=Example` or `/O=Example/CN=Signer`.
 */
export function encodeName(text: string): Uint8Array {
  const t = text.trim();
  const parts = (t.startsWith('/') ? splitEscaped(t.slice(1), '/') : splitEscaped(t, ',')).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0)
    throw new FormatInputError(`empty subject ${JSON.stringify(text)}`, 'e.g. "CN=Metadata signer, O=Example Federation"');
  const rdns = parts.map((p) => {
    const eq = p.indexOf('=');
    const type = eq < 0 ? undefined : ATTRIBUTES[p.slice(0, eq).trim().toUpperCase()];
    const value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (type === undefined || value === '')
      throw new FormatInputError(`subject part ${JSON.stringify(p)} is not TYPE=value`, `types: ${Object.keys(ATTRIBUTES).join(', ')}`);
    if (type.tag !== 0x0c && !/^[\x20-\x7e]*$/.test(value)) throw new FormatInputError(`${p}: this attribute takes ASCII only`);
    if (type.oid === '2.5.4.6' && !/^[A-Z]{2}$/.test(value)) throw new FormatInputError(`${p}: a country is two capital letters`);
    return tlv(0x31, seq(oid(type.oid), tlv(type.tag, utf8(value))));
  });
  return seq(...rdns);
}

/** Subject alternative names: `DNS:host`, `email:a@b`, `URI:https://…`, `IP:192.0.2.1` (IPv4 or IPv6). */
export function encodeGeneralName(text: string): Uint8Array {
  const i = text.indexOf(':');
  const kind = i < 0 ? '' : text.slice(0, i).toUpperCase();
  const value = text.slice(i + 1);
  const ascii = (tag: number): Uint8Array => {
    if (value === '' || !/^[\x21-\x7e]*$/.test(value)) throw new FormatInputError(`--san ${text}: needs a printable ASCII value`);
    return tlv(tag, utf8(value));
  };
  switch (kind) {
    case 'DNS':
      return ascii(0x82);
    case 'EMAIL':
      return ascii(0x81);
    case 'URI':
      return ascii(0x86);
    case 'IP':
      return tlv(0x87, ipBytes(value, text));
    default:
      throw new FormatInputError(`--san ${JSON.stringify(text)} is not DNS:, email:, URI: or IP:`, 'e.g. --san DNS:hsm.example.org');
  }
}

function ipBytes(value: string, text: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4?.slice(1).every((n) => Number(n) <= 255)) return Uint8Array.from(v4.slice(1).map(Number));
  if (/^[0-9a-fA-F:]+$/.test(value) && value.includes(':')) {
    const [head = '', tail = ''] = value.split('::');
    const h = head === '' ? [] : head.split(':');
    const tl = value.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
    const groups = value.includes('::') ? [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl] : h;
    if (groups.length === 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)))
      return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  throw new FormatInputError(`--san ${text}: not an IPv4 or IPv6 address`);
}

/** RFC 5280 key usage bit names, in bit order. */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
] as const;
export type KeyUsageName = (typeof KEY_USAGES)[number];

function bitString(bits: readonly number[]): Uint8Array {
  const top = Math.max(...bits);
  const bytes = new Uint8Array(1 + (top >> 3) + 1);
  for (const b of bits) bytes[1 + (b >> 3)] = (bytes[1 + (b >> 3)] ?? 0) | (0x80 >> (b & 7));
  bytes[0] = 7 - (top & 7);
  return tlv(0x03, bytes);
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(oid(id), ...(critical ? [tlv(0x01, Uint8Array.of(0xff))] : []), tlv(0x04, value));
}

export interface ExtensionInput {
  readonly ca?: boolean | undefined;
  readonly keyUsage?: readonly KeyUsageName[] | undefined;
  readonly san?: readonly string[] | undefined;
  /** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1): subject and, self-signed, authority key ID. */
  readonly keyId?: Uint8Array | undefined;
}

/** basicConstraints (critical), keyUsage (critical), subjectAltName, subject/authority key identifiers. */
export function encodeExtensions(e: ExtensionInput): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (e.ca !== undefined) out.push(extension('2.5.29.19', true, e.ca ? seq(tlv(0x01, Uint8Array.of(0xff))) : seq()));
  if (e.keyUsage !== undefined && e.keyUsage.length > 0)
    out.push(extension('2.5.29.15', true, bitString(e.keyUsage.map((u) => KEY_USAGES.indexOf(u)))));
  if (e.san !== undefined && e.san.length > 0) out.push(extension('2.5.29.17', false, seq(...e.san.map(encodeGeneralName))));
  if (e.keyId !== undefined) {
    out.push(extension('2.5.29.14', false, tlv(0x04, e.keyId)));
    out.push(extension('2.5.29.35', false, seq(tlv(0x80, e.keyId))));
  }
  return out;
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), seconds precision, Z. */
export function encodeTime(d: Date): Uint8Array {
  const iso = d.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const y = d.getUTCFullYear();
  return y < 2050 ? tlv(0x17, utf8(digits.slice(2))) : tlv(0x18, utf8(digits));
}

export interface TbsInput {
  /** Positive serial number bytes (big-endian, top bit clear). */
  readonly serial: Uint8Array;
  readonly scheme: SignatureScheme;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly extensions: readonly Uint8Array[];
}

/** DER of an X.509 v3 TBSCertificate (RFC 5280 §4.1): version 3, serial, signature algorithm, issuer, validity, subject, SPKI, extensions. */
export function encodeTbsCertificate(t: TbsInput): Uint8Array {
  return seq(
    tlv(0xa0, tlv(0x02, Uint8Array.of(2))),
    tlv(0x02, t.serial),
    signatureAlgorithm(t.scheme),
    t.issuer,
    seq(encodeTime(t.notBefore), encodeTime(t.notAfter)),
    t.subject,
    t.spki,
    ...(t.extensions.length === 0 ? [] : [tlv(0xa3, seq(...t.extensions))]),
  );
}

/** CertificationRequestInfo; extensions go into an extensionRequest attribute (PKCS#9). */
export function encodeRequestInfo(subject: Uint8Array, spki: Uint8Array, extensions: readonly Uint8Array[]): Uint8Array {
  const attrs = extensions.length === 0 ? [] : [seq(oid('1.2.840.113549.1.9.14'), tlv(0x31, seq(...extensions)))];
  return seq(tlv(0x02, Uint8Array.of(0)), subject, spki, tlv(0xa0, attrs));
}

/** The signed structure: `30 { tbs, algorithm, 03 00‖signature }` (certificate and request alike). */
export function signed(tbs: Uint8Array, scheme: SignatureScheme, signature: Uint8Array): Uint8Array {
  return seq(tbs, signatureAlgorithm(scheme), tlv(0x03, concat(Uint8Array.of(0), signature)));
}
