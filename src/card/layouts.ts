/**
 * The SmartCard-HSM's fixed-layout binary records, declared once with buffer-layout (the typed fork
 * `@solana/buffer-layout`: the same API as `buffer-layout`, but it ships its own types and accepts
 * Uint8Array, which this codebase uses everywhere instead of Buffer). TLV-shaped data goes through
 * src/apdu/tlv.ts instead; these are the records whose fields sit at fixed offsets.
 */
import { blob, struct, u16be, u8 } from '@solana/buffer-layout';

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
