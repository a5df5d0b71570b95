/**
 * Names for the annotator: instructions (ISO/IEC 7816-4 and the SmartCard-HSM table,
 * sc-hsm-protocol.md §3.0), algorithm identifiers (§4), PIN references (§3.6), file identifier
 * prefixes and fixed files (§5), application identifiers (§2.2). Data only.
 */
import { hex2 } from '../apdu/hex.ts';

/** Instruction bytes by spec name. */
export const INS = {
  ERASE_BINARY: 0x0e, // ISO 7816-4 §11.2.7
  VERIFY: 0x20, // ISO 7816-4 §11.5.6; SC-HSM §3.6
  MANAGE_SECURITY_ENVIRONMENT: 0x22, // ISO 7816-4 §11.5.11; SC-HSM §3.20
  CHANGE_REFERENCE_DATA: 0x24, // ISO 7816-4 §11.5.7; SC-HSM §3.7
  PERFORM_SECURITY_OPERATION: 0x2a, // ISO 7816-8; SC-HSM §3.20 (verify certificate)
  RESET_RETRY_COUNTER: 0x2c, // ISO 7816-4 §11.5.10; SC-HSM §3.8
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x46, // ISO 7816-8; SC-HSM §3.11
  GENERATE_SYMMETRIC_KEY: 0x48, // SC-HSM §3.12
  BIP_SLIP: 0x4a, // pico-hsm only §3.22
  INITIALIZE_DEVICE: 0x50, // SC-HSM §3.9
  IMPORT_DKEK_SHARE: 0x52, // SC-HSM §3.10 (also MANAGE KEY DOMAIN)
  PUBLIC_KEY_AUTHENTICATION: 0x54, // SC-HSM §3.20 (MANAGE PKA)
  ENUMERATE_OBJECTS: 0x58, // SC-HSM §3.5
  GENERATE_SESSION_PIN: 0x5a, // SC-HSM §3.21
  DECIPHER: 0x62, // SC-HSM §3.14 (also ECDH)
  PICO_EXTRAS: 0x64, // pico-hsm only §3.22
  SIGN: 0x68, // SC-HSM §3.13
  MANAGE_CHANNEL: 0x70, // ISO 7816-4 §11.1.2
  WRAP_KEY: 0x72, // SC-HSM §3.17
  UNWRAP_KEY: 0x74, // SC-HSM §3.18
  DERIVE_EC_KEY: 0x76, // SC-HSM §3.16
  CIPHER_SYMMETRIC: 0x78, // SC-HSM §3.15
  EXTERNAL_AUTHENTICATE: 0x82, // ISO 7816-4 §11.5.4
  GET_CHALLENGE: 0x84, // ISO 7816-4 §11.5.3; SC-HSM §3.19
  GENERAL_AUTHENTICATE: 0x86, // ISO 7816-4 §11.5.5; SC-HSM §3.21
  INTERNAL_AUTHENTICATE: 0x88, // ISO 7816-4 §11.5.2
  SELECT: 0xa4, // ISO 7816-4 §11.1.1; SC-HSM §3.1
  READ_BINARY: 0xb0, // ISO 7816-4 §11.2.3
  READ_BINARY_ODD: 0xb1, // ISO 7816-4 §11.2.3 (offset in tag 54); SC-HSM §3.2
  READ_RECORD: 0xb2, // ISO 7816-4 §11.3.3
  GET_RESPONSE: 0xc0, // ISO 7816-4 §11.7.1
  ENVELOPE: 0xc2, // ISO 7816-4 §11.7.2
  GET_DATA: 0xca, // ISO 7816-4 §11.4.3
  GET_DATA_ODD: 0xcb, // ISO 7816-4 §11.4.3
  UPDATE_BINARY: 0xd6, // ISO 7816-4 §11.2.5
  UPDATE_BINARY_ODD: 0xd7, // ISO 7816-4 §11.2.5 (tags 54, 53); SC-HSM §3.3
  PUT_DATA: 0xda, // ISO 7816-4 §11.4.6
  UPDATE_RECORD: 0xdc, // ISO 7816-4 §11.3.5
  CREATE_FILE: 0xe0, // ISO 7816-9
  APPEND_RECORD: 0xe2, // ISO 7816-4 §11.3.6
  DELETE_FILE: 0xe4, // ISO 7816-9; SC-HSM §3.4
} as const;

const NAME_OVERRIDES: Readonly<Record<number, string>> = {
  [INS.READ_BINARY_ODD]: 'READ BINARY',
  [INS.UPDATE_BINARY_ODD]: 'UPDATE BINARY',
  [INS.GET_DATA_ODD]: 'GET DATA',
  [INS.DECIPHER]: 'DECIPHER / ECDH',
  [INS.IMPORT_DKEK_SHARE]: 'IMPORT DKEK SHARE / MANAGE KEY DOMAIN',
  [INS.PICO_EXTRAS]: 'EXTRAS (pico-hsm)',
  [INS.BIP_SLIP]: 'BIP32/SLIP10 (pico-hsm)',
};

/** INS byte → spec name ("SELECT", "GENERATE ASYMMETRIC KEY PAIR", …). */
export const INS_NAMES: readonly (string | undefined)[] = (() => {
  const out: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  for (const [key, ins] of Object.entries(INS)) out[ins] = NAME_OVERRIDES[ins] ?? key.replace(/_ODD$/, '').replace(/_/g, ' ');
  return out;
})();

/** Algorithm identifiers: P2 of SIGN / DECIPHER / CIPHER SYMMETRIC, entries of tag 91 (§4). */
export const ALGORITHMS: Readonly<Record<number, string>> = {
  0x10: 'AES-CBC encrypt', 0x11: 'AES-CBC decrypt', 0x18: 'AES-CMAC',
  0x20: 'RSA raw', 0x21: 'RSA raw decrypt', 0x22: 'RSA decrypt PKCS#1 v1.5 (pico)', 0x23: 'RSA decrypt OAEP-SHA256 (pico)',
  0x30: 'RSA PKCS#1 v1.5, DigestInfo input', 0x31: 'RSA PKCS#1 v1.5 + SHA-1', 0x32: 'RSA PKCS#1 v1.5 + SHA-224 (pico)',
  0x33: 'RSA PKCS#1 v1.5 + SHA-256', 0x34: 'RSA PKCS#1 v1.5 + SHA-384', 0x35: 'RSA PKCS#1 v1.5 + SHA-512',
  0x40: 'RSA-PSS, hash input', 0x41: 'RSA-PSS + SHA-1', 0x42: 'RSA-PSS + SHA-224 (pico)', 0x43: 'RSA-PSS + SHA-256',
  0x44: 'RSA-PSS + SHA-384', 0x45: 'RSA-PSS + SHA-512',
  0x51: 'extended cipher encrypt (pico)', 0x52: 'extended cipher decrypt (pico)',
  0x70: 'ECDSA, hash input', 0x71: 'ECDSA + SHA-1', 0x72: 'ECDSA + SHA-224', 0x73: 'ECDSA + SHA-256', 0x74: 'ECDSA + SHA-384', 0x75: 'ECDSA + SHA-512',
  0x80: 'ECDH', 0x83: 'ECDH for PKA (pico)', 0x84: 'ECDH for XKEK (pico)',
  0x92: 'WRAP', 0x93: 'UNWRAP', 0x94: 'REPLACE (pico)', 0x98: 'EC key derivation', 0x99: 'AES key derivation', 0xa0: 'HD/BIP key (pico)',
  0xb0: 'AES-128 key', 0xb1: 'AES-192 key', 0xb2: 'AES-256 key', 0xb3: 'AES-512 key (pico)',
};

/** PIN references (P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER; §3.6). */
export const PIN_REFERENCES: Readonly<Record<number, string>> = {
  0x81: 'user PIN',
  0x88: 'SO-PIN (initialization code)',
  0x85: 'biometric template 1',
  0x86: 'biometric template 2',
};

/** High byte of a SmartCard-HSM file identifier (§5). */
export const FID_PREFIXES: Readonly<Record<number, string>> = {
  0xcc: 'key',
  0xc4: 'PRKD (key description) of key',
  0xce: 'certificate of key',
  0xca: 'CA certificate',
  0xc8: 'CD (certificate description) of CA certificate',
  0xc9: 'DCOD (data object description)',
  0xcd: 'private data object',
  0xcf: 'public data object',
  0xcb: 'key meta data',
};

/** Fixed files (§5, ISO 7816-4). */
export const KNOWN_FIDS: Readonly<Record<number, string>> = {
  0x3f00: 'MF',
  0x2f00: 'EF.DIR',
  0x2f02: 'EF.C_DevAut (device certificate chain)',
  0x2f03: 'EF.TokenInfo',
  0x2f10: 'scratch EF for UNWRAP KEY',
  0x5015: 'DF.PKCS15',
  0xcc00: 'key 0 = PrK.DevAut (device key)',
};

/** Application identifiers seen in SmartCard-HSM sessions (§2.2) and the OpenSC driver probes in the real logs. */
export const KNOWN_AIDS: Readonly<Record<string, string>> = {
  E82B0601040181C31F0201: 'SmartCard-HSM applet',
  '627601FF000000': 'CoolKey applet (OpenSC probe)',
  A00000000101: 'MUSCLE applet (OpenSC probe)',
};

/** "CC01 key 1", "2F02 EF.C_DevAut …", "C4 PRKD … 3". */
export function describeFid(fid: number): string {
  const fixed = KNOWN_FIDS[fid];
  if (fixed !== undefined) return fixed;
  const prefix = FID_PREFIXES[fid >> 8];
  return prefix === undefined ? 'file' : `${prefix} ${fid & 0xff}`;
}

export interface ClaInfo {
  readonly value: number;
  /** Interindustry (ISO) or proprietary class. */
  readonly proprietary: boolean;
  /** Command chaining bit (not the last command of a chain). */
  readonly chaining: boolean;
  /** Secure messaging indication: none, proprietary, ISO (header not authenticated), ISO (header authenticated). */
  readonly secureMessaging: 'none' | 'proprietary' | 'iso' | 'iso-header-authenticated';
  readonly channel: number;
  /** The whole reading in words. */
  readonly text: string;
}

const SM_NAMES = ['none', 'proprietary', 'iso', 'iso-header-authenticated'] as const;

/**
 * ISO/IEC 7816-4 §5.4.1: first interindustry classes 0x00–0x1F (b5 chaining, b4b3 SM, b2b1 channel),
 * further interindustry 0x40–0x7F (b6 SM, b5 chaining, b4–b1 channel − 4); 0x80–0xFE proprietary —
 * the SmartCard-HSM uses 0x80 and pico-hsm reads its chaining/SM bits like the first interindustry
 * class (§3.0); 0xFF is invalid (PPS, PC/SC reader pseudo-APDUs).
 */
export function describeCla(cla: number): ClaInfo {
  const known = CLA_CACHE[cla & 0xff];
  if (known !== undefined) return known;
  const info = claInfo(cla & 0xff);
  CLA_CACHE[cla & 0xff] = info;
  return info;
}

const CLA_CACHE: (ClaInfo | undefined)[] = new Array<ClaInfo | undefined>(256).fill(undefined);

function claInfo(cla: number): ClaInfo {
  if (cla === 0xff) return { value: cla, proprietary: true, chaining: false, secureMessaging: 'none', channel: 0, text: 'FF: invalid class (PPS or PC/SC reader pseudo-APDU)' };
  if (cla >= 0x20 && cla < 0x40) return { value: cla, proprietary: false, chaining: false, secureMessaging: 'none', channel: 0, text: `${hex2(cla)}: reserved class (RFU)` };
  const further = cla >= 0x40 && cla < 0x80;
  const proprietary = cla >= 0x80;
  const chaining = (cla & 0x10) !== 0;
  const sm = further ? ((cla & 0x20) !== 0 ? 'iso' : 'none') : (SM_NAMES[(cla >> 2) & 3] ?? 'none');
  const channel = further ? (cla & 0x0f) + 4 : cla & 0x03;
  const kind = proprietary ? 'proprietary' : further ? 'ISO (further interindustry)' : 'ISO';
  const parts = [kind];
  if (chaining) parts.push('chaining: more commands follow');
  if (sm !== 'none') parts.push(`secure messaging (${sm})`);
  if (channel !== 0) parts.push(`logical channel ${channel}`);
  return { value: cla, proprietary, chaining, secureMessaging: sm, channel, text: `${hex2(cla)}: ${parts.join(', ')}` };
}
