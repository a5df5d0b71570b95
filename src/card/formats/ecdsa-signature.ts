/**
 * ECDSA signature forms (§3.13): the card answers SIGN with DER `SEQUENCE { INTEGER r, INTEGER s }`;
 * CVCs, PKCS#11 and JOSE use plain r ‖ s with each half the field size ⌈bits/8⌉ (66 bytes for P-521).
 */
import { decodeTlvAt, encodeTlv } from '../../apdu/tlv.ts';
import type { Tlv } from '../../apdu/tlv.ts';
import { FileFormatError, FormatInputError } from './errors.ts';

const FORMAT = 'ECDSA signature';

/** Field size in bytes for a curve of `bits` (⌈bits/8⌉). */
export function ecdsaFieldBytes(bits: number): number {
  return Math.ceil(bits / 8);
}

function readInteger(bytes: Uint8Array, offset: number, name: string): { tlv: Tlv; next: number } {
  let r: { tlv: Tlv; next: number };
  try {
    r = decodeTlvAt(bytes, offset);
  } catch (err) {
    throw new FileFormatError(FORMAT, `malformed ${name}: ${(err as Error).message}`, { cause: err });
  }
  const v = r.tlv.value;
  if (r.tlv.tag !== 0x02 || v.length === 0) throw new FileFormatError(FORMAT, `${name} is not a non-empty INTEGER`);
  if (((v[0] ?? 0) & 0x80) !== 0) throw new FileFormatError(FORMAT, `${name} is negative`);
  return r;
}

/** Copy an unsigned big-endian integer into `out` at `offset`, right-aligned in `size` bytes. */
function placeUnsigned(value: Uint8Array, out: Uint8Array, offset: number, size: number, name: string): void {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  const digits = value.subarray(i);
  if (digits.length > size) throw new FileFormatError(FORMAT, `${name} has ${digits.length} bytes, more than the field size ${size}`);
  out.set(digits, offset + size - digits.length);
}

/** DER `SEQUENCE { r, s }` → r ‖ s, each left-padded to `fieldBytes`. */
export function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array {
  let outer: { tlv: Tlv; next: number };
  try {
    outer = decodeTlvAt(der, 0);
  } catch (err) {
    throw new FileFormatError(FORMAT, `not DER: ${(err as Error).message}`, { cause: err });
  }
  if (outer.tlv.tag !== 0x30) throw new FileFormatError(FORMAT, 'does not start with a SEQUENCE (30)');
  if (outer.next !== der.length) throw new FileFormatError(FORMAT, `${der.length - outer.next} byte(s) after the SEQUENCE`);
  const body = outer.tlv.value;
  const r = readInteger(body, 0, 'r');
  const s = readInteger(body, r.next, 's');
  if (s.next !== body.length) throw new FileFormatError(FORMAT, 'extra data after s');
  const out = new Uint8Array(2 * fieldBytes);
  placeUnsigned(r.tlv.value, out, 0, fieldBytes, 'r');
  placeUnsigned(s.tlv.value, out, fieldBytes, fieldBytes, 's');
  return out;
}

/** Minimal DER INTEGER content of an unsigned big-endian value. */
function derUnsigned(value: Uint8Array): Uint8Array {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  const digits = value.subarray(i);
  if (((digits[0] ?? 0) & 0x80) === 0) return digits.length === 0 ? Uint8Array.of(0) : digits;
  const out = new Uint8Array(digits.length + 1);
  out.set(digits, 1);
  return out;
}

/** r ‖ s (equal halves) → DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new FormatInputError(`r ‖ s must have an even, non-zero length, got ${raw.length}`);
  const half = raw.length / 2;
  return encodeTlv(0x30, [encodeTlv(0x02, derUnsigned(raw.subarray(0, half))), encodeTlv(0x02, derUnsigned(raw.subarray(half)))]);
}
