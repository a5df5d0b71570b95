import { TlvEncodeError, TlvError } from './errors.ts';

/**
 * BER-TLV (ISO/IEC 7816-4 §5.2.2, X.690 §8.1): tags of 1–3 bytes, definite lengths in short form or
 * `81 xx`, `82 xx xx`, `83 xx xx xx`. Tags are numbers holding the tag bytes big-endian (`0x7F21`).
 */
export interface Tlv {
  readonly tag: number;
  /** Bit 6 (0x20) of the first tag byte. */
  readonly constructed: boolean;
  /** A view into the decoded buffer (not a copy). */
  readonly value: Uint8Array;
  /**
   * Offset of the tag in the buffer that was decoded (for `childrenOf(parent)`: in `parent.value`), and
   * the length of tag + length bytes.
   */
  readonly offset: number;
  readonly headerLength: number;
}

export interface TlvDecodeOptions {
  /** Skip 00 and FF bytes between TLVs (ISO 7816-4 padding). Off by default. */
  readonly allowPadding?: boolean;
}

/** First byte of a tag number (for the constructed bit). */
function firstTagByte(tag: number): number {
  if (tag > 0xffff) return tag >>> 16;
  if (tag > 0xff) return tag >>> 8;
  return tag;
}

/** Decode one TLV starting at `offset`; returns it and where the next begins. */
export function decodeTlvAt(bytes: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  let i = offset;
  const first = bytes[i++];
  if (first === undefined) throw new TlvError('missing tag', offset);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    for (let n = 0; ; n++) {
      const b = bytes[i++];
      if (b === undefined) throw new TlvError('truncated multi-byte tag', offset);
      if (n >= 2) throw new TlvError('tag longer than 3 bytes', offset);
      tag = (tag << 8) | b;
      if ((b & 0x80) === 0) break;
    }
  }
  const l0 = bytes[i++];
  if (l0 === undefined) throw new TlvError(`missing length for tag ${tag.toString(16).toUpperCase()}`, offset);
  let len = l0;
  if (l0 === 0x80) throw new TlvError('indefinite length is not allowed', offset);
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 3) throw new TlvError(`length field of ${n} bytes is not supported (max 3)`, offset);
    len = 0;
    for (let k = 0; k < n; k++) {
      const b = bytes[i++];
      if (b === undefined) throw new TlvError('truncated length', offset);
      len = len * 256 + b;
    }
  }
  if (i + len > bytes.length) throw new TlvError(`value of ${len} bytes overruns the ${bytes.length - i} bytes left`, offset);
  const tlv: Tlv = {
    tag,
    constructed: (firstTagByte(tag) & 0x20) !== 0,
    value: bytes.subarray(i, i + len),
    offset,
    headerLength: i - offset,
  };
  return { tlv, next: i + len };
}

/** Decode a concatenation of TLVs that fills `bytes` exactly. */
export function decodeTlvs(bytes: Uint8Array, options: TlvDecodeOptions = {}): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (options.allowPadding === true && (b === 0x00 || b === 0xff)) {
      i++;
      continue;
    }
    const { tlv, next } = decodeTlvAt(bytes, i);
    out.push(tlv);
    i = next;
  }
  return out;
}

/** Decode exactly one TLV that fills `bytes`. */
export function decodeTlv(bytes: Uint8Array): Tlv {
  const { tlv, next } = decodeTlvAt(bytes, 0);
  if (next !== bytes.length) throw new TlvError(`${bytes.length - next} trailing byte(s) after the TLV`, next);
  return tlv;
}

/** Children of a constructed TLV. */
export function childrenOf(tlv: Tlv): Tlv[] {
  return decodeTlvs(tlv.value);
}

/**
 * Path search: `findTlv(tlvs, 0x62, 0x85)` finds tag 85 inside the first 62. At each level the first TLV
 * with the tag is taken; a primitive TLV has no children, so a longer path through it finds nothing.
 */
export function findTlv(tlvs: readonly Tlv[], ...path: number[]): Tlv | undefined {
  const [head, ...rest] = path;
  const hit = tlvs.find((t) => t.tag === head);
  if (hit === undefined || rest.length === 0) return hit;
  return hit.constructed ? findTlv(childrenOf(hit), ...rest) : undefined;
}

/** Does `tag` (the tag bytes as a big-endian number) spell a 1–3-byte BER tag that decodes back to itself? */
function isBerTag(tag: number): boolean {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) return false;
  if (tag <= 0xff) return (tag & 0x1f) !== 0x1f;
  const longForm = (first: number): boolean => (first & 0x1f) === 0x1f;
  if (tag <= 0xffff) return longForm(tag >>> 8) && (tag & 0x80) === 0;
  return longForm(tag >>> 16) && ((tag >>> 8) & 0x80) !== 0 && (tag & 0x80) === 0;
}

/**
 * The tag's bytes. A 1-byte tag must not have all five low bits set (that announces more bytes); in a
 * 2- or 3-byte tag the first byte has them all set and only the last byte has bit 8 clear (X.690 §8.1.2).
 */
export function encodeTag(tag: number): Uint8Array {
  if (!isBerTag(tag)) {
    const shown = Number.isInteger(tag) && tag >= 0 ? tag.toString(16).toUpperCase() : String(tag);
    throw new TlvEncodeError(`tag ${shown} is not a 1–3-byte BER-TLV tag`);
  }
  if (tag > 0xffff) return Uint8Array.of(tag >>> 16, (tag >>> 8) & 0xff, tag & 0xff);
  if (tag > 0xff) return Uint8Array.of(tag >>> 8, tag & 0xff);
  return Uint8Array.of(tag);
}

/** BER definite length: < 128 in one byte, else `81 xx`, `82 xx xx`, `83 xx xx xx`. */
export function encodeLength(len: number): Uint8Array {
  if (!Number.isInteger(len) || len < 0 || len > 0xffffff) throw new TlvEncodeError(`length ${len} is not encodable (0..0xFFFFFF)`);
  if (len < 0x80) return Uint8Array.of(len);
  if (len <= 0xff) return Uint8Array.of(0x81, len);
  if (len <= 0xffff) return Uint8Array.of(0x82, len >> 8, len & 0xff);
  return Uint8Array.of(0x83, len >>> 16, (len >> 8) & 0xff, len & 0xff);
}

/** Encode a TLV; `value` may be a list of already-encoded children. */
export function encodeTlv(tag: number, value: Uint8Array | readonly Uint8Array[] = new Uint8Array(0)): Uint8Array {
  const parts = value instanceof Uint8Array ? [value] : value;
  let n = 0;
  for (const p of parts) n += p.length;
  const t = encodeTag(tag);
  const l = encodeLength(n);
  const out = new Uint8Array(t.length + l.length + n);
  out.set(t, 0);
  out.set(l, t.length);
  let o = t.length + l.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The whole encoding (tag, length, value) of a decoded TLV, as a view into `source`: the buffer it was
 * decoded from (for a child from `childrenOf(parent)`, that is `parent.value`).
 */
export function tlvBytes(source: Uint8Array, tlv: Tlv): Uint8Array {
  return source.subarray(tlv.offset, tlv.offset + tlv.headerLength + tlv.value.length);
}
