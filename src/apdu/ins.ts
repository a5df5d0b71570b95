/**
 * Instruction bytes: the one table (ISO/IEC 7816-4, ISO/IEC 7816-8/-9 and the SmartCard-HSM's own,
 * docs/protocol.md §3.0). The card layer sends them, the trace annotator names them. The
 * SmartCard-HSM reads and writes files with the odd INS forms (`READ_BINARY_ODD` B1,
 * `UPDATE_BINARY_ODD` D7); the even ISO forms are here for traces of other hosts. Data only.
 *
 * transport/redact.ts keeps its own bare numbers for the secret-bearing instructions (it sits below
 * this layer); test/transport/redact-ins.test.ts holds the two equal.
 */

/** Instruction bytes by spec name. */
export const INS = {
  ERASE_BINARY: 0x0e, // ISO 7816-4 §11.2.7
  VERIFY: 0x20, // ISO 7816-4 §11.5.6; SC-HSM §3.6
  MANAGE_SECURITY_ENVIRONMENT: 0x22, // ISO 7816-4 §11.5.11; SC-HSM §3.20
  CHANGE_REFERENCE_DATA: 0x24, // ISO 7816-4 §11.5.7; SC-HSM §3.7
  PERFORM_SECURITY_OPERATION: 0x2a, // ISO 7816-8; SC-HSM §3.20 (P2 BE: verify certificate)
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
  EXTERNAL_AUTHENTICATE: 0x82, // ISO 7816-4 §11.5.4; SC-HSM §3.20
  GET_CHALLENGE: 0x84, // ISO 7816-4 §11.5.3; SC-HSM §3.19
  GENERAL_AUTHENTICATE: 0x86, // ISO 7816-4 §11.5.5; SC-HSM §3.21
  INTERNAL_AUTHENTICATE: 0x88, // ISO 7816-4 §11.5.2
  SELECT: 0xa4, // ISO 7816-4 §11.1.1; SC-HSM §3.1
  READ_BINARY: 0xb0, // ISO 7816-4 §11.2.3 (offset in P1P2; pico accepts, no SC-HSM host sends it)
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

/** Display names that are not just the key with spaces (§3.0 names the dual-use instructions). */
const NAME_OVERRIDES: Readonly<Record<number, string>> = {
  [INS.READ_BINARY_ODD]: 'READ BINARY',
  [INS.UPDATE_BINARY_ODD]: 'UPDATE BINARY',
  [INS.GET_DATA_ODD]: 'GET DATA',
  [INS.DECIPHER]: 'DECIPHER / ECDH',
  [INS.IMPORT_DKEK_SHARE]: 'IMPORT DKEK SHARE / MANAGE KEY DOMAIN',
  [INS.PICO_EXTRAS]: 'EXTRAS (pico-hsm)',
  [INS.BIP_SLIP]: 'BIP32/SLIP10 (pico-hsm)',
};

/** INS byte → spec name ("SELECT", "GENERATE ASYMMETRIC KEY PAIR", …); undefined for unknown bytes. */
export const INS_NAMES: readonly (string | undefined)[] = (() => {
  const out: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  for (const [key, ins] of Object.entries(INS)) out[ins] = NAME_OVERRIDES[ins] ?? key.replace(/_ODD$/, '').replace(/_/g, ' ');
  return out;
})();
