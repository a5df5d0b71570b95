/**
 * SmartCard-HSM protocol constants, named as in sc-hsm-protocol.md (§ numbers refer to it).
 * `as const` objects instead of enums (erasableSyntaxOnly).
 */

/** Applet AID E8 2B 06 01 04 01 81 C3 1F 02 01 (§2.2). */
export const SC_HSM_AID = Uint8Array.of(0xe8, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x02, 0x01);

/** Instruction bytes (§3.0). */
export const INS = {
  SELECT: 0xa4, // ISO 7816-4
  READ_BINARY: 0xb1, // odd INS, offset TLV 54 (§3.2)
  UPDATE_BINARY: 0xd7, // odd INS, TLVs 54 + 53 (§3.3)
  DELETE_FILE: 0xe4, // §3.4
  ENUMERATE_OBJECTS: 0x58, // §3.5
  VERIFY: 0x20, // §3.6
  CHANGE_REFERENCE_DATA: 0x24, // §3.7
  RESET_RETRY_COUNTER: 0x2c, // §3.8
  INITIALIZE_DEVICE: 0x50, // §3.9
  IMPORT_DKEK_SHARE: 0x52, // §3.10 (MANAGE KEY DOMAIN)
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x46, // §3.11
  GENERATE_SYMMETRIC_KEY: 0x48, // §3.12
  SIGN: 0x68, // §3.13
  DECIPHER: 0x62, // §3.14
  CIPHER_SYMMETRIC: 0x78, // §3.15
  DERIVE_EC_KEY: 0x76, // §3.16
  WRAP_KEY: 0x72, // §3.17
  UNWRAP_KEY: 0x74, // §3.18
  GET_CHALLENGE: 0x84, // §3.19
  MANAGE_SECURITY_ENVIRONMENT: 0x22, // §3.20
  PSO_VERIFY_CERTIFICATE: 0x2a, // §3.20, P2 BE
  PUBLIC_KEY_AUTHENTICATION: 0x54, // §3.20
  EXTERNAL_AUTHENTICATE: 0x82, // §3.20
  GENERAL_AUTHENTICATE: 0x86, // §3.21
  GENERATE_SESSION_PIN: 0x5a, // §3.21
} as const;

/** CLA used for each instruction by OpenSC (§3.0): 00 for ISO commands, 80 for proprietary ones. */
export const CLA = { ISO: 0x00, PROPRIETARY: 0x80 } as const;

/** PIN references, P2 of VERIFY / CHANGE REFERENCE DATA (§3.6). */
export const PIN_REF = {
  USER: 0x81, // user PIN, ASCII
  SO: 0x88, // SO-PIN / initialization code, 8 bytes binary
  BIO_1: 0x85, // biometric template 1 (SoC variants)
  BIO_2: 0x86, // biometric template 2
} as const;
export type PinRef = typeof PIN_REF.USER | typeof PIN_REF.SO;

/** "user PIN", "SO-PIN", or "PIN 85" for another reference: the one name used in messages. */
export function pinName(ref: number): string {
  return ref === PIN_REF.SO ? 'SO-PIN' : ref === PIN_REF.USER ? 'user PIN' : `PIN ${ref.toString(16).toUpperCase()}`;
}

/** High byte of a 2-byte object identifier: the object class (§5). */
export const FID_PREFIX = {
  KEY: 0xcc, // private / secret key (CC00 = PrK.DevAut)
  PRKD: 0xc4, // PKCS#15 private/secret key description
  EE_CERTIFICATE: 0xce, // X.509 certificate or GAKP CV request of key xx
  CA_CERTIFICATE: 0xca, // CA certificate without private key
  CD: 0xc8, // PKCS#15 certificate description for CAxx
  DCOD: 0xc9, // PKCS#15 data object description
  PRIVATE_DATA: 0xcd, // PIN-protected data object
  PUBLIC_DATA: 0xcf, // public data object
  KEY_META: 0xcb,
} as const;

/** Fixed elementary files (§5). */
export const FID = {
  C_DEV_AUT: 0x2f02, // device CVC ‖ DICA CVC
  TOKEN_INFO: 0x2f03, // PKCS#15 TokenInfo
  UNWRAP_STAGING: 0x2f10, // key blob for UNWRAP KEY, OpenSC style (§3.18)
} as const;

/** Algorithm identifiers: P2 of SIGN / DECIPHER / CIPHER SYMMETRIC, entries of tag 91 (§4). */
export const ALGO = {
  AES_CBC_ENCRYPT: 0x10,
  AES_CBC_DECRYPT: 0x11,
  AES_CMAC: 0x18,
  RSA_RAW: 0x20, // signature with host-side padding
  RSA_DECRYPT_RAW: 0x21,
  RSA_DECRYPT_PKCS1_V15: 0x22, // pico only
  RSA_DECRYPT_OAEP_SHA256: 0x23, // pico only
  RSA_PKCS1_V15: 0x30, // DigestInfo input
  RSA_PKCS1_V15_SHA1: 0x31,
  RSA_PKCS1_V15_SHA224: 0x32, // pico only
  RSA_PKCS1_V15_SHA256: 0x33,
  RSA_PKCS1_V15_SHA384: 0x34,
  RSA_PKCS1_V15_SHA512: 0x35,
  RSA_PSS: 0x40, // hash input
  RSA_PSS_SHA1: 0x41,
  RSA_PSS_SHA224: 0x42, // pico only
  RSA_PSS_SHA256: 0x43,
  RSA_PSS_SHA384: 0x44,
  RSA_PSS_SHA512: 0x45,
  ECDSA: 0x70, // hash input
  ECDSA_SHA1: 0x71,
  ECDSA_SHA224: 0x72,
  ECDSA_SHA256: 0x73,
  ECDSA_SHA384: 0x74,
  ECDSA_SHA512: 0x75,
  ECDH: 0x80,
  WRAP: 0x92, // P2 of WRAP KEY; allowed-algorithm entry "exportable"
  UNWRAP: 0x93, // P2 of UNWRAP KEY
  EC_DERIVE: 0x98, // DERIVE EC KEY data tag
  AES_DERIVE: 0x99,
  AES_128: 0xb0, // P2 of GENERATE SYMMETRIC KEY
  AES_192: 0xb1,
  AES_256: 0xb2,
} as const;

/** Configuration option bits of INITIALIZE tag 80 and SELECT tag 85 (§3.9). */
export const OPTION = {
  RESET_RETRY_COUNTER_ENABLED: 0x0001, // "User PIN reset with SO-PIN enabled"
  TRANSPORT_PIN: 0x0002, // user must change the PIN before first use
  SESSION_PIN: 0x0004, // session PIN, cleared on reset
  PKA_REPLACEABLE: 0x0008, // pico; overlaps pypicohsm's 0x000C session-PIN-explicit (§13)
  COMBINED_AUTH: 0x0010, // pico: user PIN + public key authentication
  RRC_RESET_ONLY: 0x0020, // pico: RESET RETRY COUNTER only resets the counter
} as const;

/** Readable names of the option bits, for status output. */
export const OPTION_NAMES: Readonly<Record<number, string>> = {
  [OPTION.RESET_RETRY_COUNTER_ENABLED]: 'user PIN reset with SO-PIN enabled',
  [OPTION.TRANSPORT_PIN]: 'transport PIN mode',
  [OPTION.SESSION_PIN]: 'session PIN',
  [OPTION.PKA_REPLACEABLE]: 'PKA key replaceable',
  [OPTION.COMBINED_AUTH]: 'combined PIN and public key authentication',
  [OPTION.RRC_RESET_ONLY]: 'RESET RETRY COUNTER only resets the counter',
};

/** OIDs of the CV-certificate public key (BSI TR-03110 id-TA-*), DER content bytes (§10). */
export const TA_OID = {
  RSA_V1_5_SHA_256: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x02),
  ECDSA_SHA_256: Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x03),
} as const;

/** Inner CAR OpenSC puts into GENERATE ASYMMETRIC KEY PAIR (§3.11). */
export const DEFAULT_GAKP_CAR = 'UTCA00001';

/** Largest GET CHALLENGE OpenSC and sc-hsm-embedded ask for in one command (§1.4). */
export const MAX_CHALLENGE_PER_CALL = 1024;
