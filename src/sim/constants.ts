/**
 * Protocol constants of the simulated SmartCard-HSM (docs/protocol.md §2, §3.0, §5). The simulator
 * keeps its own copy (it never imports card/): it is an independent oracle for the driver.
 */

/** Contact ATR of the SmartCard-HSM (§2.1): T=1, historical bytes "HSM1", extended Lc/Le supported. */
export const SC_HSM_ATR = Uint8Array.from([
  0x3b, 0xfe, 0x18, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x45, 0x80, 0x31, 0x81, 0x54, 0x48, 0x53, 0x4d, 0x31, 0x73, 0x80, 0x21, 0x40, 0x81, 0x07,
  0xfa,
]);

/** Applet AID E8 2B 06 01 04 01 81 C3 1F 02 01 (§2.2). */
export const SC_HSM_AID = Uint8Array.from([0xe8, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x02, 0x01]);

/**
 * Applet version reported in SELECT tag 85 (§2.4): type 00 = "SmartCard-HSM Applet for JCOP" (the
 * real card runs on JCOP, so OpenSC names it "SmartCard-HSM Applet for JCOP version 3.5"), version 3.5
 * (a 3.x applet: P2=0C, RESET RETRY COUNTER and the 5-byte tag 85 are all present from 2.0 on).
 */
export const SIM_APPLET = { TYPE: 0x00, MAJOR: 3, MINOR: 5 } as const;

/** Instruction bytes (§3.0). */
export const INS = {
  VERIFY: 0x20, // §3.6
  MANAGE_SE: 0x22, // §3.20 (PKA: SET DST B6 / AT A4 with 81), §3.21 (SET AT 41 A4 for chip authentication)
  PERFORM_SECURITY_OPERATION: 0x2a, // §3.20 (P2 BE: verify certificate)
  PUBLIC_KEY_AUTHENTICATION: 0x54, // §3.20
  EXTERNAL_AUTHENTICATE: 0x82, // §3.20
  CHANGE_REFERENCE_DATA: 0x24, // §3.7
  RESET_RETRY_COUNTER: 0x2c, // §3.8
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x46, // §3.11
  GENERATE_SYMMETRIC_KEY: 0x48, // §3.12
  INITIALIZE_DEVICE: 0x50, // §3.9
  GENERATE_SESSION_PIN: 0x5a, // §3.21
  IMPORT_DKEK_SHARE: 0x52, // §3.10
  ENUMERATE_OBJECTS: 0x58, // §3.5
  DECIPHER: 0x62, // §3.14
  SIGN: 0x68, // §3.13
  WRAP_KEY: 0x72, // §3.17
  UNWRAP_KEY: 0x74, // §3.18
  DERIVE_EC_KEY: 0x76, // §3.16
  CIPHER_SYMMETRIC: 0x78, // §3.15
  GET_CHALLENGE: 0x84, // §3.19
  GENERAL_AUTHENTICATE: 0x86, // §3.21
  SELECT: 0xa4, // §3.1
  READ_BINARY: 0xb0, // §3.2 (even INS: offset in P1P2)
  READ_BINARY_ODD: 0xb1, // §3.2 (odd INS: offset TLV 54)
  GET_RESPONSE: 0xc0, // §1.2
  UPDATE_BINARY_ODD: 0xd7, // §3.3
  DELETE_FILE: 0xe4, // §3.4
} as const;

/** Chip authentication protocols (BSI TR-03110 part 3 A.1.1.2), DER content of the OID. */
export const CA_PROTOCOL = {
  /** id-CA-ECDH-AES-CBC-CMAC-128 = 0.4.0.127.0.7.2.2.3.2.2 */
  AES_CMAC_128: Uint8Array.from([0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02]),
} as const;

/** CLA bits (ISO/IEC 7816-4 §5.4.1). */
export const CLA = {
  CHAINING: 0x10, // more commands of this chain follow
  SECURE_MESSAGING: 0x0c, // SM indication
  CHANNEL: 0x03, // logical channel number
  PROPRIETARY: 0x80, // CLA 8x: proprietary class (the SC-HSM's own instructions)
} as const;

/** High byte of a file identifier = object class (§5). */
export const PREFIX = {
  KEY: 0xcc, // private or secret key; CC00 = PrK.DevAut
  PRKD: 0xc4, // PKCS#15 private key description
  EE_CERTIFICATE: 0xce, // certificate or GAKP request of key xx
  CA_CERTIFICATE: 0xca,
  CD: 0xc8,
  DCOD: 0xc9,
  PRIVATE_DATA: 0xcd, // readable only after VERIFY
  PUBLIC_DATA: 0xcf,
} as const;

/** Fixed EFs (§5). */
export const FID = {
  C_DEVAUT: 0x2f02, // device CVC ‖ DICA CVC, survives INITIALIZE
  TOKEN_INFO: 0x2f03,
  UNWRAP_SCRATCH: 0x2f10,
  MF: 0x3f00,
  DEVICE_KEY: 0xcc00,
} as const;

/** PIN references (P2 of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER, §3.6). */
export const PIN_REF = {
  USER: 0x81,
  SO: 0x88,
  BIO_1: 0x85,
  BIO_2: 0x86,
} as const;

/** Configuration option bits (INITIALIZE tag 80, SELECT tag 85, §3.9). */
export const OPTION = {
  RRC_ENABLED: 0x0001, // RESET RETRY COUNTER allowed
  TRANSPORT_PIN: 0x0002, // user PIN must be changed before use
  SESSION_PIN: 0x0004,
  RRC_RESET_ONLY: 0x0020, // RESET RETRY COUNTER may only reset the counter, not set a new PIN
} as const;

/** PIN limits (§7). */
export const PIN_LIMITS = {
  USER_MIN: 6,
  USER_MAX: 16,
  SO_LENGTH: 8,
  SO_TRIES: 15,
  USER_TRIES_DEFAULT: 3,
  USER_TRIES_MAX: 15,
} as const;
