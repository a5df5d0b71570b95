/**
 * Wrapped key blob (WRAP KEY response / UNWRAP KEY input), §9.1:
 *
 *   KCV(8) ‖ key type(1) ‖ len(2) default-algorithm OID ‖ len(2) allowed algorithms ‖
 *   len(2) access conditions ‖ len(2) key OID ‖ AES-256-CBC(Kenc, IV 0, plaintext) ‖ AES-CMAC(Kmac)(16)
 *
 *   plaintext = random(8) ‖ key size(2) ‖ components (each len(2) ‖ value; AES: raw key) ‖ 80 00… padding
 *
 * Lengths are big-endian. The MAC covers every byte before it.
 */

/** Key type byte (§9.1). */
export const KEY_BLOB_TYPE = {
  RSA: 0x05, // private exponent form: d, n, e
  RSA_CRT: 0x06, // dP, dQ, p, qInv, q, n, e
  EC: 0x0c, // a, b, p, order, G, d, Q
  AES: 0x0f, // raw key
} as const;

export type KeyBlobType = (typeof KEY_BLOB_TYPE)[keyof typeof KEY_BLOB_TYPE];

/** Default-algorithm OID value bytes per type (§9.1; no 06 tag, length-prefixed in the blob). */
export const KEY_BLOB_DEFAULT_ALGORITHM = {
  RSA: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x02), // id-TA-RSA-v1-5-SHA-256
  EC: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x03), // id-TA-ECDSA-SHA-256
  AES: Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01), // 2.16.840.1.101.3.4.1 (aes)
} as const;

/** Allowed algorithms DKEK.js puts into AES blobs: CBC encrypt/decrypt, CMAC, derive (§4, §9.1). */
export const KEY_BLOB_AES_DEFAULT_ALLOWED = Uint8Array.of(0x10, 0x11, 0x18, 0x99);

export const KEY_BLOB_SIZES = { KCV: 8, RANDOM: 8, MAC: 16, BLOCK: 16 } as const;

/** The clear header and the two protected parts of a blob, as decoded (views into the input). */
export interface KeyBlob {
  readonly kcv: Uint8Array;
  /** Key type byte; not necessarily one of KEY_BLOB_TYPE when the blob is foreign. */
  readonly keyType: number;
  readonly defaultAlgorithm: Uint8Array;
  readonly allowedAlgorithms: Uint8Array;
  readonly accessConditions: Uint8Array;
  readonly keyOid: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly mac: Uint8Array;
  /** All bytes the MAC covers (KCV … end of ciphertext). */
  readonly authenticated: Uint8Array;
}

/** Plain key material of each type; integers are unsigned big-endian bytes as they appear in the blob. */
export type KeyBlobKey =
  | { readonly kind: 'rsa'; readonly d: Uint8Array; readonly n: Uint8Array; readonly e: Uint8Array }
  | {
      readonly kind: 'rsa-crt';
      readonly dP: Uint8Array;
      readonly dQ: Uint8Array;
      readonly p: Uint8Array;
      readonly qInv: Uint8Array;
      readonly q: Uint8Array;
      readonly n: Uint8Array;
      readonly e: Uint8Array;
    }
  | {
      readonly kind: 'ec';
      readonly a: Uint8Array;
      readonly b: Uint8Array;
      readonly p: Uint8Array;
      readonly order: Uint8Array;
      /** Base point G, uncompressed 04 ‖ x ‖ y. */
      readonly generator: Uint8Array;
      readonly d: Uint8Array;
      /** Public point Q, uncompressed 04 ‖ x ‖ y. */
      readonly publicPoint: Uint8Array;
    }
  | { readonly kind: 'aes'; readonly key: Uint8Array };

/** Decrypted plaintext of a blob. */
export interface KeyBlobPlaintext {
  readonly random: Uint8Array;
  /** Bits for RSA/EC (EC: byte length of p × 8), bytes for AES (§9.1). */
  readonly keySize: number;
  readonly key: KeyBlobKey;
}

/** Key type byte of a key kind. */
export function keyBlobTypeOf(kind: KeyBlobKey['kind']): KeyBlobType {
  return { rsa: KEY_BLOB_TYPE.RSA, 'rsa-crt': KEY_BLOB_TYPE.RSA_CRT, ec: KEY_BLOB_TYPE.EC, aes: KEY_BLOB_TYPE.AES }[kind];
}

/** Human name of a key type byte. */
export function keyBlobTypeName(type: number): string {
  const names: Record<number, string> = { 5: 'RSA', 6: 'RSA (CRT)', 12: 'EC', 15: 'AES' };
  return names[type] ?? `unknown (0x${type.toString(16).padStart(2, '0')})`;
}
