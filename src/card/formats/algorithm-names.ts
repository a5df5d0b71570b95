/** Names of SmartCard-HSM algorithm ids (§4), for describing a key blob's allowed-algorithm list. */
import { hex2 } from '../../apdu/hex.ts';

export const ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  0x10: 'AES-CBC encrypt',
  0x11: 'AES-CBC decrypt',
  0x18: 'AES-CMAC',
  0x20: 'RSA raw',
  0x21: 'RSA raw decrypt',
  0x22: 'RSA decrypt PKCS#1 v1.5',
  0x23: 'RSA decrypt OAEP-SHA256',
  0x30: 'RSA PKCS#1 v1.5 (DigestInfo)',
  0x31: 'RSA PKCS#1 v1.5 SHA-1',
  0x32: 'RSA PKCS#1 v1.5 SHA-224',
  0x33: 'RSA PKCS#1 v1.5 SHA-256',
  0x34: 'RSA PKCS#1 v1.5 SHA-384',
  0x35: 'RSA PKCS#1 v1.5 SHA-512',
  0x40: 'RSA-PSS (hash input)',
  0x41: 'RSA-PSS SHA-1',
  0x42: 'RSA-PSS SHA-224',
  0x43: 'RSA-PSS SHA-256',
  0x44: 'RSA-PSS SHA-384',
  0x45: 'RSA-PSS SHA-512',
  0x51: 'extended cipher encrypt',
  0x52: 'extended cipher decrypt',
  0x70: 'ECDSA (hash input)',
  0x71: 'ECDSA SHA-1',
  0x72: 'ECDSA SHA-224',
  0x73: 'ECDSA SHA-256',
  0x74: 'ECDSA SHA-384',
  0x75: 'ECDSA SHA-512',
  0x80: 'ECDH',
  0x83: 'ECDH (PKA)',
  0x84: 'ECDH (XKEK)',
  0x92: 'wrap',
  0x93: 'unwrap',
  0x94: 'replace',
  0x98: 'EC key derivation',
  0x99: 'AES key derivation',
  0xa0: 'HD key derivation',
};

/** "73 ECDSA SHA-256"-style names for each id in the list. */
export function algorithmNames(ids: Uint8Array): string[] {
  return Array.from(ids, (id) => `${hex2(id)} ${ALGORITHM_NAMES[id] ?? 'unknown'}`);
}
