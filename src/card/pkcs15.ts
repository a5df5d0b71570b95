/**
 * PKCS#15 descriptions the SmartCard-HSM keeps next to its keys (§5, §5.1, §5.3): PRKD in C4xx
 * (RSA `30`, EC `A0`, AES secret key `A8`), CD in C8xx, DCOD in C9xx. Decoding here; encoding the way
 * OpenSC writes them is in pkcs15-encode.ts.
 *
 *   PRKD  = [tag] { CommonObjectAttributes 30 {0C label, 03 flags, 04 authId},
 *                   CommonKeyAttributes    30 {04 iD, 03 usage, [01 native], [03 accessFlags], [02 keyReference]},
 *                   [A0 subclass attributes], A1 { 30 { 30 {04 path}, [02 modulusLength / fieldSize] } } }
 */
import { decodeTlv, decodeTlvs, type Tlv } from '../apdu/tlv.ts';
import { formatOid } from '../apdu/oid.ts';
import { Pkcs15Error } from './host-errors.ts';

/** KeyUsageFlags bit names, bit 0 first (PKCS#15 v1.1 §6.3.3). */
export const KEY_USAGE_BITS = [
  'encrypt',
  'decrypt',
  'sign',
  'signRecover',
  'wrap',
  'unwrap',
  'verify',
  'verifyRecover',
  'derive',
  'nonRepudiation',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];
/** KeyAccessFlags bit names. */
export const ACCESS_FLAG_BITS = ['sensitive', 'extractable', 'alwaysSensitive', 'neverExtractable', 'local'] as const;
export type KeyAccessFlag = (typeof ACCESS_FLAG_BITS)[number];
/** CommonObjectFlags bit names. */
export const OBJECT_FLAG_BITS = ['private', 'modifiable'] as const;
export type ObjectFlag = (typeof OBJECT_FLAG_BITS)[number];

/** The PRKD / SKD kinds by outer tag (§5). */
export const PRKD_TAG = { rsa: 0x30, ec: 0xa0, aes: 0xa8 } as const;
export type KeyKind = keyof typeof PRKD_TAG;

export interface CommonObjectAttributes {
  readonly label: string | undefined;
  readonly flags: readonly ObjectFlag[];
  readonly authId: Uint8Array | undefined;
}

export interface PrivateKeyDescription extends CommonObjectAttributes {
  readonly kind: KeyKind;
  readonly id: Uint8Array;
  readonly usage: readonly KeyUsage[];
  readonly accessFlags: readonly KeyAccessFlag[] | undefined;
  readonly ref: number | undefined;
  /** RSA modulus bits, EC field bits (OpenSC's 528 for P-521 corrected to 521, §5.1), AES key bits. */
  readonly size: number | undefined;
  readonly bytes: Uint8Array;
}

export interface CertificateDescription extends CommonObjectAttributes {
  readonly id: Uint8Array;
  readonly authority: boolean;
  /** Path of the certificate EF (e.g. CA01), as bytes. */
  readonly path: Uint8Array | undefined;
  readonly bytes: Uint8Array;
}

export interface DataObjectDescription extends CommonObjectAttributes {
  readonly applicationName: string | undefined;
  readonly applicationOid: string | undefined;
  /** Path of the data EF (CDxx / CFxx). */
  readonly path: Uint8Array | undefined;
  readonly bytes: Uint8Array;
}

/** Named bits of a DER BIT STRING value (first byte = unused bits). */
export function decodeBits<T extends string>(value: Uint8Array, names: readonly T[]): T[] {
  const unused = value[0] ?? 0;
  const total = (value.length - 1) * 8 - unused;
  const out: T[] = [];
  for (let i = 0; i < total && i < names.length; i++) {
    if (((value[1 + (i >> 3)] ?? 0) >> (7 - (i & 7))) & 1) out.push(names[i] as T);
  }
  return out;
}

function uint(value: Uint8Array): number {
  return value.reduce((acc, b) => acc * 256 + b, 0);
}

function seq(t: Tlv | undefined, what: string): Tlv[] {
  if (t === undefined || !t.constructed) throw new Pkcs15Error(`${what} missing`);
  return decodeTlvs(t.value);
}

function commonObject(tlvs: readonly Tlv[]): CommonObjectAttributes {
  const label = tlvs.find((t) => t.tag === 0x0c);
  const flags = tlvs.find((t) => t.tag === 0x03);
  return {
    label: label === undefined ? undefined : new TextDecoder().decode(label.value),
    flags: flags === undefined ? [] : decodeBits(flags.value, OBJECT_FLAG_BITS),
    authId: tlvs.find((t) => t.tag === 0x04)?.value.slice(),
  };
}

/** Path OCTET STRING inside `A1 { 30 { 30 { 04 path … } … } }` (typeAttributes), and the INTEGER after it. */
function typeAttributes(tlvs: readonly Tlv[]): { path: Uint8Array | undefined; size: number | undefined } {
  const a1 = tlvs.find((t) => t.tag === 0xa1);
  if (a1 === undefined) return { path: undefined, size: undefined };
  const inner = seq(decodeTlvs(a1.value)[0], 'type attributes');
  const pathSeq = inner.find((t) => t.tag === 0x30);
  const path =
    pathSeq === undefined
      ? undefined
      : decodeTlvs(pathSeq.value)
          .find((t) => t.tag === 0x04)
          ?.value.slice();
  const int = inner.find((t) => t.tag === 0x02);
  return { path, size: int === undefined ? undefined : uint(int.value) };
}

/** Key length of a secret key from the subclass attributes `A0 { 30 { 02 keyLen } }`. */
function secretKeyLength(tlvs: readonly Tlv[]): number | undefined {
  const a0 = tlvs.find((t) => t.tag === 0xa0);
  const int = a0 === undefined ? undefined : decodeTlvs(decodeTlvs(a0.value)[0]?.value ?? new Uint8Array(0)).find((t) => t.tag === 0x02);
  return int === undefined ? undefined : uint(int.value);
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Pkcs15Error) throw err;
    throw new Pkcs15Error(`${what} is not well-formed`, err);
  }
}

/** Decode a PRKD (C4xx): RSA `30`, EC `A0`, AES `A8` (§5, §5.3). */
export function parsePrkd(bytes: Uint8Array): PrivateKeyDescription {
  return guard('private key description', () => {
    const top = decodeTlv(bytes);
    const kind = (Object.keys(PRKD_TAG) as KeyKind[]).find((k) => PRKD_TAG[k] === top.tag);
    if (kind === undefined) throw new Pkcs15Error(`unknown key description tag ${top.tag.toString(16).toUpperCase()}`);
    const parts = decodeTlvs(top.value);
    const key = seq(parts[1], 'CommonKeyAttributes');
    const bits = key.filter((t) => t.tag === 0x03);
    const ref = key.find((t) => t.tag === 0x02);
    const { size } = typeAttributes(parts);
    const rawSize = kind === 'aes' ? (secretKeyLength(parts) ?? size) : size;
    return {
      kind,
      ...commonObject(seq(parts[0], 'CommonObjectAttributes')),
      id: key.find((t) => t.tag === 0x04)?.value.slice() ?? new Uint8Array(0),
      usage: bits[0] === undefined ? [] : decodeBits(bits[0].value, KEY_USAGE_BITS),
      accessFlags: bits[1] === undefined ? undefined : decodeBits(bits[1].value, ACCESS_FLAG_BITS),
      ref: ref === undefined ? undefined : uint(ref.value),
      size: kind === 'ec' && rawSize === 528 ? 521 : rawSize,
      bytes: bytes.slice(),
    };
  });
}

/** Decode a certificate description (C8xx): `30 { common, 30 {04 iD, [01 authority]}, A1 { 30 { 30 {04 path} } } }`. */
export function parseCd(bytes: Uint8Array): CertificateDescription {
  return guard('certificate description', () => {
    const parts = decodeTlvs(decodeTlv(bytes).value);
    const cert = seq(parts[1], 'CommonCertificateAttributes');
    const authority = cert.find((t) => t.tag === 0x01);
    return {
      ...commonObject(seq(parts[0], 'CommonObjectAttributes')),
      id: cert.find((t) => t.tag === 0x04)?.value.slice() ?? new Uint8Array(0),
      authority: authority !== undefined && (authority.value[0] ?? 0) !== 0,
      path: typeAttributes(parts).path,
      bytes: bytes.slice(),
    };
  });
}

/** Decode a data object description (C9xx): `30 { common, 30 {0C appName, 06 appOID}, A1 { 30 {04 path} } }`. */
export function parseDcod(bytes: Uint8Array): DataObjectDescription {
  return guard('data object description', () => {
    const parts = decodeTlvs(decodeTlv(bytes).value);
    const data = parts[1] !== undefined && parts[1].tag === 0x30 ? decodeTlvs(parts[1].value) : [];
    const name = data.find((t) => t.tag === 0x0c);
    const oid = data.find((t) => t.tag === 0x06);
    const a1 = parts.find((t) => t.tag === 0xa1);
    const inner = a1 === undefined ? [] : decodeTlvs(a1.value);
    const pathSeq = inner.find((t) => t.tag === 0x30);
    return {
      ...commonObject(seq(parts[0], 'CommonObjectAttributes')),
      applicationName: name === undefined ? undefined : new TextDecoder().decode(name.value),
      applicationOid: oid === undefined ? undefined : formatOid(oid.value),
      path:
        pathSeq === undefined
          ? undefined
          : decodeTlvs(pathSeq.value)
              .find((t) => t.tag === 0x04)
              ?.value.slice(),
      bytes: bytes.slice(),
    };
  });
}
