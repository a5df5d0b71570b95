/**
 * SmartCard-HSM algorithm identifiers (docs/protocol.md §4): P2 of SIGN, DECIPHER, CIPHER
 * SYMMETRIC, WRAP KEY, UNWRAP KEY and GENERATE SYMMETRIC KEY, and the entries of a key's allowed-
 * algorithm list (tag 91). The one table: the card layer sends them, the trace annotator and the key
 * blob description name them. Data only.
 */

/** Algorithm ids by name (§4). "pico" marks ids only pico-hsm knows. */
export const ALGO = {
  AES_CBC_ENCRYPT: 0x10, // CIPHER SYMMETRIC
  AES_CBC_DECRYPT: 0x11,
  AES_CMAC: 0x18,
  RSA_RAW: 0x20, // signature with host-side padding
  RSA_DECRYPT_RAW: 0x21,
  RSA_DECRYPT_PKCS1_V15: 0x22, // pico
  RSA_DECRYPT_OAEP_SHA256: 0x23, // pico
  RSA_PKCS1_V15: 0x30, // DigestInfo input
  RSA_PKCS1_V15_SHA1: 0x31,
  RSA_PKCS1_V15_SHA224: 0x32, // pico
  RSA_PKCS1_V15_SHA256: 0x33,
  RSA_PKCS1_V15_SHA384: 0x34,
  RSA_PKCS1_V15_SHA512: 0x35,
  RSA_PSS: 0x40, // hash input
  RSA_PSS_SHA1: 0x41,
  RSA_PSS_SHA224: 0x42, // pico
  RSA_PSS_SHA256: 0x43,
  RSA_PSS_SHA384: 0x44,
  RSA_PSS_SHA512: 0x45,
  EXTENDED_CIPHER_ENCRYPT: 0x51, // pico
  EXTENDED_CIPHER_DECRYPT: 0x52, // pico
  ECDSA: 0x70, // hash input
  ECDSA_SHA1: 0x71,
  ECDSA_SHA224: 0x72,
  ECDSA_SHA256: 0x73,
  ECDSA_SHA384: 0x74,
  ECDSA_SHA512: 0x75,
  ECDH: 0x80, // DECIPHER with an EC key
  ECDH_PKA: 0x83, // pico
  ECDH_XKEK: 0x84, // pico
  WRAP: 0x92, // P2 of WRAP KEY; allowed-algorithm entry "exportable"
  UNWRAP: 0x93, // P2 of UNWRAP KEY
  REPLACE: 0x94, // pico
  EC_DERIVE: 0x98, // DERIVE EC KEY data tag
  AES_DERIVE: 0x99,
  HD_BIP_KEY: 0xa0, // pico
  AES_128: 0xb0, // P2 of GENERATE SYMMETRIC KEY
  AES_192: 0xb1,
  AES_256: 0xb2,
  AES_512: 0xb3, // pico
} as const;

/** Algorithm id → its meaning as §4 words it ("ECDSA + SHA-256", "ECDSA, hash input", "… (pico)"). */
export const ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  [ALGO.AES_CBC_ENCRYPT]: 'AES-CBC encrypt',
  [ALGO.AES_CBC_DECRYPT]: 'AES-CBC decrypt',
  [ALGO.AES_CMAC]: 'AES-CMAC',
  [ALGO.RSA_RAW]: 'RSA raw',
  [ALGO.RSA_DECRYPT_RAW]: 'RSA raw decrypt',
  [ALGO.RSA_DECRYPT_PKCS1_V15]: 'RSA decrypt PKCS#1 v1.5 (pico)',
  [ALGO.RSA_DECRYPT_OAEP_SHA256]: 'RSA decrypt OAEP-SHA256 (pico)',
  [ALGO.RSA_PKCS1_V15]: 'RSA PKCS#1 v1.5, DigestInfo input',
  [ALGO.RSA_PKCS1_V15_SHA1]: 'RSA PKCS#1 v1.5 + SHA-1',
  [ALGO.RSA_PKCS1_V15_SHA224]: 'RSA PKCS#1 v1.5 + SHA-224 (pico)',
  [ALGO.RSA_PKCS1_V15_SHA256]: 'RSA PKCS#1 v1.5 + SHA-256',
  [ALGO.RSA_PKCS1_V15_SHA384]: 'RSA PKCS#1 v1.5 + SHA-384',
  [ALGO.RSA_PKCS1_V15_SHA512]: 'RSA PKCS#1 v1.5 + SHA-512',
  [ALGO.RSA_PSS]: 'RSA-PSS, hash input',
  [ALGO.RSA_PSS_SHA1]: 'RSA-PSS + SHA-1',
  [ALGO.RSA_PSS_SHA224]: 'RSA-PSS + SHA-224 (pico)',
  [ALGO.RSA_PSS_SHA256]: 'RSA-PSS + SHA-256',
  [ALGO.RSA_PSS_SHA384]: 'RSA-PSS + SHA-384',
  [ALGO.RSA_PSS_SHA512]: 'RSA-PSS + SHA-512',
  [ALGO.EXTENDED_CIPHER_ENCRYPT]: 'extended cipher encrypt (pico)',
  [ALGO.EXTENDED_CIPHER_DECRYPT]: 'extended cipher decrypt (pico)',
  [ALGO.ECDSA]: 'ECDSA, hash input',
  [ALGO.ECDSA_SHA1]: 'ECDSA + SHA-1',
  [ALGO.ECDSA_SHA224]: 'ECDSA + SHA-224',
  [ALGO.ECDSA_SHA256]: 'ECDSA + SHA-256',
  [ALGO.ECDSA_SHA384]: 'ECDSA + SHA-384',
  [ALGO.ECDSA_SHA512]: 'ECDSA + SHA-512',
  [ALGO.ECDH]: 'ECDH',
  [ALGO.ECDH_PKA]: 'ECDH for PKA (pico)',
  [ALGO.ECDH_XKEK]: 'ECDH for XKEK (pico)',
  [ALGO.WRAP]: 'WRAP',
  [ALGO.UNWRAP]: 'UNWRAP',
  [ALGO.REPLACE]: 'REPLACE (pico)',
  [ALGO.EC_DERIVE]: 'EC key derivation',
  [ALGO.AES_DERIVE]: 'AES key derivation',
  [ALGO.HD_BIP_KEY]: 'HD/BIP key (pico)',
  [ALGO.AES_128]: 'AES-128 key',
  [ALGO.AES_192]: 'AES-192 key',
  [ALGO.AES_256]: 'AES-256 key',
  [ALGO.AES_512]: 'AES-512 key (pico)',
};
