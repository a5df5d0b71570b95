import { HexError } from './errors.ts';

const HEX = '0123456789ABCDEF';

/** Upper-case hex, optionally with a separator between bytes (`toHex(b, ' ')` → "00 A4 04 00"). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  const parts: string[] = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    parts[i] = (HEX[b >> 4] ?? '') + (HEX[b & 15] ?? '');
  }
  return parts.join(separator);
}

/** The input as shown in an error message: quoted, and cut after 40 characters. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Hex text to bytes. Whitespace and `:` are ignored wherever they stand (so `00:A4 04`, `00A404` and a
 * pasted hexdump column all work); anything else, or an odd number of digits, is a HexError.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad !== null) throw new HexError(`not hex: unexpected character ${JSON.stringify(bad[0])} in ${quoted(text)}`);
  if (clean.length % 2 !== 0) throw new HexError(`odd number of hex digits (${clean.length}) in ${quoted(text)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A byte as two upper-case hex digits: `hex2(0x0a)` → "0A". */
export function hex2(value: number): string {
  return (value < 16 ? '0' : '') + value.toString(16).toUpperCase();
}

/** A 16-bit value as four upper-case hex digits: `hex4(0x2f02)` → "2F02". */
export function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** Concatenate byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Classic 16-bytes-per-line hexdump with offsets and an ASCII column. */
export function hexdump(bytes: Uint8Array, indent = ''): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = toHex(row, ' ').padEnd(47, ' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${indent}${off.toString(16).padStart(4, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Big-endian unsigned 16-bit value as two bytes. */
export function u16(value: number): Uint8Array {
  return Uint8Array.of((value >> 8) & 0xff, value & 0xff);
}
