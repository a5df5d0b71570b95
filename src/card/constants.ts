/**
 * SmartCard-HSM protocol constants, named as in docs/protocol.md (the § numbers of schsm's doc comments refer to it).
 * `as const` objects instead of enums (erasableSyntaxOnly).
 */

/** Applet AID E8 2B 06 01 04 01 81 C3 1F 02 01 (§2.2). */
export const SC_HSM_AID = Uint8Array.of(0xe8, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x02, 0x01);

/**
 * Instruction bytes and algorithm ids: the one tables in apdu/ins.ts (§3.0) and apdu/algorithms.ts (§4),
 * re-exported here so the card layer and the library's INS and ALGO names keep working. The
 * SmartCard-HSM's file commands are the odd forms `INS.READ_BINARY_ODD` (B1) and `INS.UPDATE_BINARY_ODD` (D7).
 */
export { INS } from '../apdu/ins.ts';
export { ALGO } from '../apdu/algorithms.ts';

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
