/**
 * The SmartCard-HSM's fixed-layout binary records, declared once as fields at fixed offsets (the
 * style of buffer-layout: `struct([u8('total'), blob(8, 'kcv')])`, with `span`, `decode`, `encode`).
 * TLV-shaped data goes through src/apdu/tlv.ts instead; these are the records whose fields sit at
 * fixed offsets. Written here rather than taken from a package: the package (CommonJS requiring
 * node's `buffer`) kept an ES-module bundle of the library from running (issue 13 item 9).
 */

/** One field: where it ends (`span` bytes) and how its value is read and written. */
interface Field<V> {
  readonly property: string;
  readonly span: number;
  decode(b: Uint8Array, offset: number): V;
  encode(v: V, b: Uint8Array, offset: number): void;
}

/** A record of fields one after the other. */
export interface Struct<T> {
  readonly span: number;
  /** The fields of `b` from `offset` (RangeError when `b` is shorter than the record). */
  decode(b: Uint8Array, offset?: number): T;
  /** Write `v` into `b` from `offset`; returns the bytes written. */
  encode(v: T, b: Uint8Array, offset?: number): number;
}

function within(b: Uint8Array, offset: number, span: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + span > b.length)
    throw new RangeError(`a ${span}-byte field at offset ${offset} overruns ${b.length} bytes`);
}

const u8 = (property: string): Field<number> => ({
  property,
  span: 1,
  decode: (b, o) => b[o] as number,
  encode: (v, b, o) => {
    b[o] = v;
  },
});

const u16be = (property: string): Field<number> => ({
  property,
  span: 2,
  decode: (b, o) => ((b[o] as number) << 8) | (b[o + 1] as number),
  encode: (v, b, o) => {
    b[o] = (v >> 8) & 0xff;
    b[o + 1] = v & 0xff;
  },
});

const blob = (span: number, property: string): Field<Uint8Array> => ({
  property,
  span,
  decode: (b, o) => b.subarray(o, o + span),
  encode: (v, b, o) => {
    if (v.length !== span) throw new RangeError(`field ${property} has ${span} bytes, got ${v.length}`);
    b.set(v, o);
  },
});

function struct<T extends object>(fields: readonly (Field<number> | Field<Uint8Array>)[]): Struct<T> {
  const all = fields as unknown as readonly Field<unknown>[];
  const span = all.reduce((n, f) => n + f.span, 0);
  return {
    span,
    decode(b, offset = 0) {
      within(b, offset, span);
      const out: Record<string, unknown> = {};
      let o = offset;
      for (const f of all) {
        out[f.property] = f.decode(b, o);
        o += f.span;
      }
      return out as T;
    },
    encode(v, b, offset = 0) {
      within(b, offset, span);
      let o = offset;
      for (const f of all) {
        f.encode((v as Record<string, unknown>)[f.property], b, o);
        o += f.span;
      }
      return span;
    },
  };
}

/** IMPORT DKEK SHARE answer and its query (§3.10): `[total][outstanding][KCV(8)]`, then optional extras. */
export const DKEK_STATUS = struct<{ total: number; outstanding: number; kcv: Uint8Array }>([
  u8('total'), // shares announced at INITIALIZE (tag 92)
  u8('outstanding'), // shares still to import
  blob(8, 'kcv'), // SHA-256(DKEK)[0..8] (§8.1)
]);

/** SELECT tag 85 of applets ≥ 2.0 (§2.4): `<options hi lo> <type> <major> <minor>`. */
export const APPLET_INFO = struct<{ options: number; type: number; major: number; minor: number }>([
  u16be('options'), // configuration options word of INITIALIZE tag 80 (§3.9)
  u8('type'), // 00 JCOP applet, 01 demo applet, other: plain SmartCard-HSM
  u8('major'),
  u8('minor'),
]);

/** `.pbe` DKEK share file (§8.2): "Salted__", 8-byte salt, AES-256-CBC(share ‖ 10×16). */
export const DKEK_SHARE_FILE_LAYOUT = struct<{ magic: Uint8Array; salt: Uint8Array; ciphertext: Uint8Array }>([
  blob(8, 'magic'), // 53 61 6C 74 65 64 5F 5F
  blob(8, 'salt'),
  blob(48, 'ciphertext'),
]);

/** Decode a record into plain values (blobs as Uint8Array copies, never Buffers sharing memory). */
export function decodeRecord<T extends object>(layout: { decode(b: Uint8Array, offset?: number): T }, bytes: Uint8Array, offset = 0): T {
  const v = layout.decode(bytes, offset) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) if (x instanceof Uint8Array) v[k] = Uint8Array.from(x);
  return v as T;
}
