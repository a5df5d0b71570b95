/**
 * `.pbe` DKEK share files as written by `sc-hsm-tool --create-dkek-share` (§8.2):
 *
 *   offset 0  8  "Salted__" (53 61 6C 74 65 64 5F 5F)
 *   offset 8  8  salt
 *   offset 16 48 AES-256-CBC(key, iv, share(32) ‖ 10×16), key/iv = EVP_BytesToKey(md5, salt, pw, 10 000 000)
 *
 * Reading follows sc-hsm-tool: the first 64 bytes are used and extra bytes are ignored (reported as
 * `extraBytes` so a front end can warn); shorter input is an error. Decryption failure is detected by the
 * plaintext's padding, which must be exactly 16 × 0x10 (the only valid PKCS#7 padding of a 32-byte share).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bytesEqual } from '../../apdu/hex.ts';
import { DKEK_SHARE_ITERATIONS, evpBytesToKey, evpBytesToKeySync } from './evp-bytes-to-key.ts';
import type { DerivationOptions, KeyAndIv, Password } from './evp-bytes-to-key.ts';
import { FileFormatError, FormatInputError, WrongPasswordError } from './errors.ts';
import { DKEK_SHARE_FILE_LAYOUT, decodeRecord } from '../layouts.ts';

export const DKEK_SHARE_FILE = {
  MAGIC: Uint8Array.of(0x53, 0x61, 0x6c, 0x74, 0x65, 0x64, 0x5f, 0x5f), // "Salted__"
  SALT_LENGTH: 8,
  SHARE_LENGTH: 32,
  CIPHERTEXT_LENGTH: 48,
  LENGTH: 64,
} as const;

const FORMAT = 'DKEK share file';

export interface DkekShareFileParts {
  readonly salt: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Bytes after the first 64, ignored like sc-hsm-tool does. */
  readonly extraBytes: number;
}

export interface ShareFileOptions extends DerivationOptions {
  /** Key-derivation iteration count; sc-hsm-tool always uses 10 000 000 (tests use small counts). */
  readonly iterations?: number;
}

export interface EncryptShareOptions extends ShareFileOptions {
  /** 8-byte salt; random by default (sc-hsm-tool takes it from the card's GET CHALLENGE). */
  readonly salt?: Uint8Array;
}

/** Split a share file into salt and ciphertext, checking only the layout (no password needed). */
export function parseDkekShareFile(file: Uint8Array): DkekShareFileParts {
  if (file.length < DKEK_SHARE_FILE.LENGTH) {
    throw new FileFormatError(FORMAT, `${file.length} bytes, expected 64`, { hint: 'the file is truncated or not a .pbe DKEK share' });
  }
  if (!bytesEqual(file.subarray(0, 8), DKEK_SHARE_FILE.MAGIC)) {
    const base64 = new TextDecoder().decode(file.subarray(0, 10)) === 'U2FsdGVkX1';
    throw new FileFormatError(FORMAT, 'does not start with "Salted__"', {
      hint: base64
        ? 'this is the base64 printout; decode it first: openssl base64 -d -in FILE -out share.pbe'
        : 'not a .pbe file written by sc-hsm-tool --create-dkek-share',
    });
  }
  const { salt, ciphertext } = decodeRecord(DKEK_SHARE_FILE_LAYOUT, file);
  return { salt, ciphertext, extraBytes: file.length - DKEK_SHARE_FILE_LAYOUT.span };
}

function checkShare(share: Uint8Array): void {
  if (share.length !== DKEK_SHARE_FILE.SHARE_LENGTH) {
    throw new FormatInputError(`a DKEK share has 32 bytes, got ${share.length}`);
  }
}

function buildFile(share: Uint8Array, salt: Uint8Array, k: KeyAndIv): Uint8Array {
  const plain = new Uint8Array(48);
  plain.set(share, 0);
  plain.fill(0x10, 32);
  const cipher = createCipheriv('aes-256-cbc', k.key, k.iv).setAutoPadding(false);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  const out = new Uint8Array(DKEK_SHARE_FILE_LAYOUT.span);
  DKEK_SHARE_FILE_LAYOUT.encode({ magic: DKEK_SHARE_FILE.MAGIC, salt, ciphertext: ct }, out);
  return out;
}

function openFile(parts: DkekShareFileParts, k: KeyAndIv): Uint8Array {
  const decipher = createDecipheriv('aes-256-cbc', k.key, k.iv).setAutoPadding(false);
  const plain = new Uint8Array(Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]));
  const padOk = plain.subarray(32).every((b) => b === 0x10);
  const share = plain.slice(0, 32);
  plain.fill(0);
  if (!padOk) {
    share.fill(0);
    throw new WrongPasswordError();
  }
  return share;
}

function saltFor(options: EncryptShareOptions): Uint8Array {
  const salt = options.salt ?? new Uint8Array(randomBytes(8));
  if (salt.length !== 8) throw new FormatInputError(`the share-file salt must be 8 bytes, got ${salt.length}`);
  return salt;
}

/** Encrypt a 32-byte DKEK share into the 64-byte `.pbe` format (async, reports progress). */
export async function encryptDkekShare(share: Uint8Array, password: Password, options: EncryptShareOptions = {}): Promise<Uint8Array> {
  checkShare(share);
  const salt = saltFor(options);
  const k = await evpBytesToKey(password, salt, options.iterations ?? DKEK_SHARE_ITERATIONS, options);
  return buildFile(share, salt, k);
}

/** Decrypt a `.pbe` file to its 32-byte share (async). WrongPasswordError if the padding check fails. */
export async function decryptDkekShare(file: Uint8Array, password: Password, options: ShareFileOptions = {}): Promise<Uint8Array> {
  const parts = parseDkekShareFile(file);
  const k = await evpBytesToKey(password, parts.salt, options.iterations ?? DKEK_SHARE_ITERATIONS, options);
  return openFile(parts, k);
}

/** Synchronous encryptDkekShare (blocks for the whole derivation). */
export function encryptDkekShareSync(share: Uint8Array, password: Password, options: EncryptShareOptions = {}): Uint8Array {
  checkShare(share);
  const salt = saltFor(options);
  return buildFile(share, salt, evpBytesToKeySync(password, salt, options.iterations ?? DKEK_SHARE_ITERATIONS));
}

/** Synchronous decryptDkekShare (blocks for the whole derivation). */
export function decryptDkekShareSync(file: Uint8Array, password: Password, options: ShareFileOptions = {}): Uint8Array {
  const parts = parseDkekShareFile(file);
  return openFile(parts, evpBytesToKeySync(password, parts.salt, options.iterations ?? DKEK_SHARE_ITERATIONS));
}
