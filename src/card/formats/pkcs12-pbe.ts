/**
 * Password-based decryption of the encrypted parts of a PKCS#12 file and of encrypted PKCS#8 keys:
 *   PBES2 (RFC 8018 §6.2) with PBKDF2 (HMAC-SHA1/224/256/384/512) and AES-128/192/256-CBC or
 *     DES-EDE3-CBC — what OpenSSL 3 writes by default (UTF-8 password bytes);
 *   PKCS#12 PBE (RFC 7292 Appendix C) pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd40BitRC2-CBC /
 *     128BitRC2-CBC — what `openssl pkcs12 -legacy`, Windows and Java write (BMPString password).
 * Iteration counts are bounded so that a hostile file cannot keep schsm busy for hours.
 */
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { type DerNode, derOctets, derOid, derSequence, derSmallInt } from './der.ts';
import { FileFormatError, WrongPasswordError } from './errors.ts';
import { bmpPassword, PKCS12_KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';
import { rc2CbcDecrypt } from './rc2.ts';

/** Most PBKDF2 iterations accepted (OpenSSL writes 2048; 10 million take seconds, not hours). */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;
/** Most PKCS#12-KDF iterations accepted (its hash loop runs in JavaScript). */
export const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;

export const PBE_OID = {
  PBES2: '1.2.840.113549.1.5.13',
  PBKDF2: '1.2.840.113549.1.5.12',
  PBE_SHA1_3DES: '1.2.840.113549.1.12.1.3',
  PBE_SHA1_RC2_128: '1.2.840.113549.1.12.1.5',
  PBE_SHA1_RC2_40: '1.2.840.113549.1.12.1.6',
} as const;

const PRF: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** PBES2 encryption schemes: OID → [node cipher, key bytes, IV bytes]. */
const CIPHERS: Readonly<Record<string, readonly [string, number, number]>> = {
  '2.16.840.1.101.3.4.1.2': ['aes-128-cbc', 16, 16],
  '2.16.840.1.101.3.4.1.22': ['aes-192-cbc', 24, 16],
  '2.16.840.1.101.3.4.1.42': ['aes-256-cbc', 32, 16],
  '1.2.840.113549.3.7': ['des-ede3-cbc', 24, 8],
};

const FORMAT = 'encrypted content';

function wrongPassword(): WrongPasswordError {
  return new WrongPasswordError(
    'wrong password, or the encrypted part of the file is damaged',
    'check the password (it is case-sensitive)',
  );
}

function iterations(node: DerNode | undefined, max: number): number {
  const n = derSmallInt(node, 'iteration count');
  if (n < 1 || n > max) throw new FileFormatError(FORMAT, `iteration count ${n} is outside 1..${max}`, { hint: 'the file may be hostile' });
  return n;
}

function cbc(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    throw wrongPassword();
  } finally {
    key.fill(0);
  }
}

function pbes2(params: DerNode | undefined, password: string, data: Uint8Array): Uint8Array {
  const [kdf, scheme] = derSequence(params, 'PBES2 parameters', 2);
  const [kdfOid, kdfParams] = derSequence(kdf, 'key derivation function', 1);
  if (derOid(kdfOid, 'key derivation OID') !== PBE_OID.PBKDF2) throw new FileFormatError(FORMAT, 'PBES2 without PBKDF2 is not supported');
  const p = derSequence(kdfParams, 'PBKDF2 parameters', 2);
  const salt = derOctets(p[0], 'PBKDF2 salt');
  const count = iterations(p[1], MAX_PBKDF2_ITERATIONS);
  const rest = p.slice(2);
  const keyLength = rest[0]?.tag === 2 ? derSmallInt(rest[0], 'PBKDF2 key length', 64) : undefined;
  const prfNode = rest.find((n) => n.tag === 16);
  const prfOid = prfNode === undefined ? '1.2.840.113549.2.7' : derOid(derSequence(prfNode, 'PBKDF2 PRF', 1)[0], 'PRF OID');
  const hash = PRF[prfOid];
  if (hash === undefined) throw new FileFormatError(FORMAT, `PBKDF2 PRF ${prfOid} is not supported`);
  const [encOid, ivNode] = derSequence(scheme, 'encryption scheme', 2);
  const encName = derOid(encOid, 'encryption OID');
  const c = CIPHERS[encName];
  if (c === undefined)
    throw new FileFormatError(FORMAT, `PBES2 cipher ${encName} is not supported`, { hint: 'supported: AES-128/192/256-CBC, DES-EDE3-CBC' });
  const iv = derOctets(ivNode, 'IV');
  if (iv.length !== c[2] || (keyLength !== undefined && keyLength !== c[1]))
    throw new FileFormatError(FORMAT, `bad IV or key length for ${c[0]}`);
  const pw = Buffer.from(password, 'utf8');
  try {
    return cbc(c[0], new Uint8Array(pbkdf2Sync(pw, salt, count, c[1], hash)), iv, data);
  } finally {
    pw.fill(0);
  }
}

function legacy(oid: string, params: DerNode | undefined, password: string, data: Uint8Array): Uint8Array {
  const [saltNode, countNode] = derSequence(params, 'PKCS#12 PBE parameters', 2);
  const salt = derOctets(saltNode, 'PBE salt');
  const count = iterations(countNode, MAX_PKCS12_KDF_ITERATIONS);
  const pw = bmpPassword(password);
  try {
    const keyLength = oid === PBE_OID.PBE_SHA1_3DES ? 24 : oid === PBE_OID.PBE_SHA1_RC2_128 ? 16 : 5;
    const key = pkcs12Kdf('sha1', pw, salt, count, PKCS12_KDF_ID.KEY, keyLength);
    const iv = pkcs12Kdf('sha1', pw, salt, count, PKCS12_KDF_ID.IV, 8);
    if (oid === PBE_OID.PBE_SHA1_3DES) return cbc('des-ede3-cbc', key, iv, data);
    const plain = rc2CbcDecrypt(key, keyLength * 8, iv, data);
    key.fill(0);
    if (plain === undefined) throw wrongPassword();
    return plain;
  } finally {
    pw.fill(0);
  }
}

/** Decrypt `data` encrypted with the algorithm `algorithm` (an AlgorithmIdentifier) under `password`. */
export function pbeDecrypt(algorithm: DerNode | undefined, password: string, data: Uint8Array): Uint8Array {
  const [oidNode, params] = derSequence(algorithm, 'encryption algorithm', 1);
  const oid = derOid(oidNode, 'encryption algorithm OID');
  if (oid === PBE_OID.PBES2) return pbes2(params, password, data);
  if (oid === PBE_OID.PBE_SHA1_3DES || oid === PBE_OID.PBE_SHA1_RC2_40 || oid === PBE_OID.PBE_SHA1_RC2_128)
    return legacy(oid, params, password, data);
  throw new FileFormatError(FORMAT, `encryption algorithm ${oid} is not supported`, {
    hint: 'supported: PBES2 (PBKDF2 + AES/3DES) and pbeWithSHAAnd3-KeyTripleDES-CBC / 40/128BitRC2-CBC; re-export with openssl pkcs12',
  });
}
