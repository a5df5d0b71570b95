/**
 * PKCS#15 private/secret key descriptions encoded the way OpenSC's pkcs15init writes them into C4xx
 * (§5.2), so that `pkcs15-tool -D` and `pkcs11-tool -O` show keys made by schsm like their own. The
 * layout is pinned by the PRKDs OpenSC wrote in the peer traces (14-keygen-rsa2048, 15-keygen-ec-p256):
 *
 *   RSA  30 { 30 {0C label, 03 02 06 C0, 04 01 01}, 30 {04 id, 03 usage, 02 keyRef}, A1 { 30 { 30 {04 00}, 02 modulusBits } } }
 *   EC   A0 { … same …                                                              A1 { 30 { 30 {04 00}, 02 fieldBits } } }
 *   AES  A8 { … same …, A0 { 30 { 02 keyBits } },                                   A1 { 30 { 30 {04 00} } } }
 */
import { concat } from '../apdu/hex.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import { InvalidArgumentError } from './host-errors.ts';
import {
  ACCESS_FLAG_BITS,
  KEY_USAGE_BITS,
  OBJECT_FLAG_BITS,
  PRKD_TAG,
  type KeyAccessFlag,
  type KeyKind,
  type KeyUsage,
  type ObjectFlag,
} from './pkcs15.ts';

/** Usage OpenSC gave the keys of the peer traces: RSA decrypt+sign+signRecover (`03 02 04 70`), EC sign+signRecover+derive (`03 03 07 30 80`). */
export const DEFAULT_USAGE: Readonly<Record<KeyKind, readonly KeyUsage[]>> = {
  rsa: ['decrypt', 'sign', 'signRecover'],
  ec: ['sign', 'signRecover', 'derive'],
  aes: ['encrypt', 'decrypt', 'derive'],
};

export interface PrivateKeyDescriptionInput {
  readonly kind: KeyKind;
  readonly label?: string;
  /** CKA_ID / PKCS#15 iD (OpenSC: SHA-1 of the public key, see keys.ts `intrinsicKeyId`). */
  readonly id: Uint8Array;
  readonly ref: number;
  /** RSA modulus bits, EC field bits, AES key bits. */
  readonly size: number;
  readonly usage?: readonly KeyUsage[];
  readonly accessFlags?: readonly KeyAccessFlag[];
  /** Default private + modifiable (`03 02 06 C0`), auth-id 01 (the user PIN), as OpenSC writes. */
  readonly flags?: readonly ObjectFlag[];
  readonly authId?: Uint8Array;
}

/** DER BIT STRING value of a named-bit list: trailing zero bits dropped, first byte = unused bits. */
export function encodeBits<T extends string>(set: readonly T[], names: readonly T[]): Uint8Array {
  const idx = set.map((n) => names.indexOf(n));
  if (idx.some((i) => i < 0)) throw new InvalidArgumentError(`unknown flag in ${set.join(', ')}`);
  if (idx.length === 0) return Uint8Array.of(0);
  const top = Math.max(...idx);
  const bytes = new Uint8Array(1 + Math.floor(top / 8) + 1);
  for (const i of idx) bytes[1 + (i >> 3)] = (bytes[1 + (i >> 3)] ?? 0) | (0x80 >> (i & 7));
  bytes[0] = 7 - (top & 7);
  return bytes;
}

/** DER INTEGER value of a non-negative number (a leading 00 when the top bit is set). */
export function encodeUnsigned(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((out[0] ?? 0) & 0x80) out.unshift(0);
  return Uint8Array.from(out);
}

/** Encode a PRKD / secret-key description for C4<ref>. */
export function encodePrkd(d: PrivateKeyDescriptionInput): Uint8Array {
  const common = [
    ...(d.label === undefined || d.label === '' ? [] : [encodeTlv(0x0c, new TextEncoder().encode(d.label))]),
    encodeTlv(0x03, encodeBits(d.flags ?? ['private', 'modifiable'], OBJECT_FLAG_BITS)),
    encodeTlv(0x04, d.authId ?? Uint8Array.of(1)),
  ];
  const key = [
    encodeTlv(0x04, d.id),
    encodeTlv(0x03, encodeBits(d.usage ?? DEFAULT_USAGE[d.kind], KEY_USAGE_BITS)),
    ...(d.accessFlags === undefined ? [] : [encodeTlv(0x03, encodeBits(d.accessFlags, ACCESS_FLAG_BITS))]),
    encodeTlv(0x02, encodeUnsigned(d.ref)),
  ];
  const path = encodeTlv(0x30, encodeTlv(0x04));
  const size = encodeTlv(0x02, encodeUnsigned(d.size));
  const typeAttrs = encodeTlv(0xa1, encodeTlv(0x30, d.kind === 'aes' ? [path] : [path, size]));
  const subclass = d.kind === 'aes' ? [encodeTlv(0xa0, encodeTlv(0x30, size))] : [];
  return encodeTlv(PRKD_TAG[d.kind], concat(encodeTlv(0x30, common), encodeTlv(0x30, key), ...subclass, typeAttrs));
}
