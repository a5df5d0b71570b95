/**
 * Host-side decoder and verifier of wrapped key blobs (§9.1; layout in key-blob-layout.ts).
 * decodeKeyBlob only splits the clear structure; openKeyBlob checks the KCV against the DKEK, verifies
 * the AES-CMAC (Kmac) over all preceding bytes, decrypts with AES-256-CBC (Kenc, zero IV) and parses
 * the key components.
 */
import { createDecipheriv } from 'node:crypto';
import { bytesEqual, toHex } from '../../apdu/hex.ts';
import { verifyAesCmac } from './cmac.ts';
import { FileFormatError, KcvMismatchError, MacError } from './errors.ts';
import { deriveDkekKeys } from './kcv.ts';
import { parseKeyBlobPlaintext } from './key-blob-components.ts';
import { KEY_BLOB_SIZES } from './key-blob-layout.ts';
import type { KeyBlob, KeyBlobPlaintext } from './key-blob-layout.ts';

const FORMAT = 'key blob';

function u16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

/** Read len(2) ‖ value at `offset`; returns the value and the next offset. */
function lengthPrefixed(bytes: Uint8Array, offset: number, what: string): { value: Uint8Array; next: number } {
  if (offset + 2 > bytes.length) throw new FileFormatError(FORMAT, `truncated before the length of the ${what}`);
  const len = u16(bytes, offset);
  if (offset + 2 + len > bytes.length) throw new FileFormatError(FORMAT, `${what} of ${len} bytes runs past the end`);
  return { value: bytes.subarray(offset + 2, offset + 2 + len), next: offset + 2 + len };
}

/** Split a blob into its fields (no keys needed). Views into `bytes`. */
export function decodeKeyBlob(bytes: Uint8Array): KeyBlob {
  const minimum = KEY_BLOB_SIZES.KCV + 1 + 4 * 2 + KEY_BLOB_SIZES.BLOCK + KEY_BLOB_SIZES.MAC;
  if (bytes.length < minimum) throw new FileFormatError(FORMAT, `${bytes.length} bytes is too short (at least ${minimum})`);
  let o = KEY_BLOB_SIZES.KCV + 1;
  const fields: Uint8Array[] = [];
  for (const what of ['default-algorithm OID', 'allowed-algorithm list', 'access conditions', 'key OID']) {
    const { value, next } = lengthPrefixed(bytes, o, what);
    fields.push(value);
    o = next;
  }
  const macAt = bytes.length - KEY_BLOB_SIZES.MAC;
  const ciphertext = bytes.subarray(o, Math.max(o, macAt));
  if (ciphertext.length === 0 || ciphertext.length % KEY_BLOB_SIZES.BLOCK !== 0) {
    throw new FileFormatError(FORMAT, `encrypted part is ${macAt - o} bytes, not a positive multiple of 16`);
  }
  const [defaultAlgorithm, allowedAlgorithms, accessConditions, keyOid] = fields as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return {
    kcv: bytes.subarray(0, KEY_BLOB_SIZES.KCV),
    keyType: bytes[KEY_BLOB_SIZES.KCV] ?? 0,
    defaultAlgorithm,
    allowedAlgorithms,
    accessConditions,
    keyOid,
    ciphertext,
    mac: bytes.subarray(macAt),
    authenticated: bytes.subarray(0, macAt),
  };
}

/** True when the blob's AES-CMAC verifies under Kmac. */
export function verifyKeyBlobMac(blob: KeyBlob, kmac: Uint8Array): boolean {
  return verifyAesCmac(kmac, blob.authenticated, blob.mac);
}

/** AES-256-CBC decryption with a zero IV, no padding removal. */
export function decryptKeyBlobCiphertext(blob: KeyBlob, kenc: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-cbc', kenc, new Uint8Array(16)).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(blob.ciphertext), d.final()]));
}

export interface OpenedKeyBlob {
  readonly blob: KeyBlob;
  readonly plaintext: KeyBlobPlaintext;
}

/**
 * Verify and decrypt a blob with the assembled DKEK. Throws KcvMismatchError (naming both KCVs) when
 * the DKEK is not the one the blob was wrapped under, MacError when the blob was altered.
 */
export function openKeyBlob(blobOrBytes: KeyBlob | Uint8Array, dkek: Uint8Array): OpenedKeyBlob {
  const blob = blobOrBytes instanceof Uint8Array ? decodeKeyBlob(blobOrBytes) : blobOrBytes;
  const keys = deriveDkekKeys(dkek);
  if (!bytesEqual(keys.kcv, blob.kcv)) throw new KcvMismatchError(toHex(blob.kcv), toHex(keys.kcv));
  if (!verifyKeyBlobMac(blob, keys.kmac)) {
    throw new MacError('key blob MAC does not verify: the blob was modified or damaged', 'use an unmodified copy of the exported key');
  }
  const plain = decryptKeyBlobCiphertext(blob, keys.kenc);
  try {
    return { blob, plaintext: parseKeyBlobPlaintext(blob.keyType, plain) };
  } finally {
    plain.fill(0);
  }
}
