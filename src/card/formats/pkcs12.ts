/**
 * A bounded PKCS#12 (RFC 7292) reader: node:crypto cannot read .p12/.pfx files, so the parts schsm
 * needs are read here — the password-integrity MAC (HMAC with the PKCS#12 KDF, §5 and Appendix B),
 * the authenticated safe's plain and password-encrypted SafeContents, and the bags in them:
 * keyBag / pkcs8ShroudedKeyBag (the private key as PKCS#8), certBag (X.509, DER) and their
 * friendlyName / localKeyId attributes. Enveloped (public-key) privacy and PBMAC1 are refused by name.
 *
 *   PFX        = SEQUENCE { version 3, authSafe ContentInfo(data), macData? }
 *   MacData    = SEQUENCE { DigestInfo { AlgorithmIdentifier, digest }, macSalt, iterations DEFAULT 1 }
 *   AuthSafe   = SEQUENCE OF ContentInfo(data → SafeContents | encryptedData → encrypted SafeContents)
 *   SafeBag    = SEQUENCE { bagId, [0] EXPLICIT bagValue, SET OF attributes? }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type DerNode,
  DerError,
  DER_CLASS,
  derExplicit,
  derOctets,
  derOid,
  derSequence,
  derSet,
  derSmallInt,
  derText,
  readDer,
} from './der.ts';
import { FileFormatError, WrongPasswordError } from './errors.ts';
import { bmpPassword, PKCS12_KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';
import { MAX_PKCS12_KDF_ITERATIONS, pbeDecrypt } from './pkcs12-pbe.ts';

const FORMAT = 'PKCS#12 file';
/** Most bags read from one file (a key, its chain and some spare). */
export const MAX_PKCS12_BAGS = 64;

const OID = {
  DATA: '1.2.840.113549.1.7.1',
  ENCRYPTED_DATA: '1.2.840.113549.1.7.6',
  KEY_BAG: '1.2.840.113549.1.12.10.1.1',
  SHROUDED_KEY_BAG: '1.2.840.113549.1.12.10.1.2',
  CERT_BAG: '1.2.840.113549.1.12.10.1.3',
  SAFE_CONTENTS_BAG: '1.2.840.113549.1.12.10.1.6',
  X509_CERTIFICATE: '1.2.840.113549.1.9.22.1',
  FRIENDLY_NAME: '1.2.840.113549.1.9.20',
  LOCAL_KEY_ID: '1.2.840.113549.1.9.21',
  PBMAC1: '1.2.840.113549.1.5.14',
} as const;

const MAC_HASH: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface Pkcs12Bag {
  readonly friendlyName: string | undefined;
  readonly localKeyId: Uint8Array | undefined;
}
export interface Pkcs12Key extends Pkcs12Bag {
  /** The private key as an unencrypted PKCS#8 PrivateKeyInfo (DER). Wipe it after use. */
  readonly pkcs8: Uint8Array;
}
export interface Pkcs12Certificate extends Pkcs12Bag {
  /** X.509 certificate, DER. */
  readonly der: Uint8Array;
}
export interface Pkcs12Contents {
  readonly keys: readonly Pkcs12Key[];
  readonly certificates: readonly Pkcs12Certificate[];
  /** 'verified': the password MAC checked out; 'absent': the file has none (integrity not checked). */
  readonly mac: 'verified' | 'absent';
  readonly warnings: readonly string[];
}

/** True when the bytes look like a PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID … } … }. */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  try {
    const [version, authSafe] = derSequence(readDer(bytes), 'PFX', 2);
    return derSmallInt(version, 'version') === 3 && derSequence(authSafe, 'authSafe', 1)[0]?.tag === 6;
  } catch {
    return false;
  }
}

function contentInfo(node: DerNode | undefined, what: string): { type: string; content: DerNode | undefined } {
  const [type, content] = derSequence(node, what, 1);
  return { type: derOid(type, `${what} content type`), content: content === undefined ? undefined : derExplicit(content, 0, what) };
}

/** The password candidates: PKCS#12 encodes "" as 00 00, some writers as nothing (OpenSSL tries both). */
function macPasswords(password: string): Uint8Array[] {
  return password === '' ? [bmpPassword(''), bmpPassword('', false)] : [bmpPassword(password)];
}

function verifyMac(macData: DerNode, password: string, authSafe: Uint8Array): void {
  const [digestInfo, saltNode, countNode] = derSequence(macData, 'MacData', 2);
  const [alg, digestNode] = derSequence(digestInfo, 'MAC DigestInfo', 2);
  const algOid = derOid(derSequence(alg, 'MAC algorithm', 1)[0], 'MAC algorithm OID');
  if (algOid === OID.PBMAC1)
    throw new FileFormatError(FORMAT, 'PBMAC1 integrity (RFC 9579) is not supported', {
      hint: 're-export with openssl pkcs12 (classic MAC)',
    });
  const hash = MAC_HASH[algOid];
  if (hash === undefined) throw new FileFormatError(FORMAT, `MAC hash ${algOid} is not supported`);
  const digest = derOctets(digestNode, 'MAC digest');
  const salt = derOctets(saltNode, 'MAC salt');
  const count = countNode === undefined ? 1 : derSmallInt(countNode, 'MAC iterations', MAX_PKCS12_KDF_ITERATIONS);
  for (const pw of macPasswords(password)) {
    const key = pkcs12Kdf(hash, pw, salt, count, PKCS12_KDF_ID.MAC, digest.length);
    const mac = createHmac(hash, key).update(authSafe).digest();
    key.fill(0);
    pw.fill(0);
    if (mac.length === digest.length && timingSafeEqual(mac, digest)) return;
  }
  throw new WrongPasswordError(
    'wrong PKCS#12 password, or the file was modified (its MAC does not verify)',
    'check the password (it is case-sensitive)',
  );
}

function attributes(node: DerNode | undefined): Pkcs12Bag {
  let friendlyName: string | undefined;
  let localKeyId: Uint8Array | undefined;
  for (const attr of node === undefined ? [] : derSet(node, 'bag attributes')) {
    const [id, values] = derSequence(attr, 'bag attribute', 2);
    const first = derSet(values, 'attribute values')[0];
    const oid = derOid(id, 'attribute OID');
    if (oid === OID.FRIENDLY_NAME) friendlyName = derText(first, 'friendlyName');
    else if (oid === OID.LOCAL_KEY_ID) localKeyId = derOctets(first, 'localKeyId').slice();
  }
  return { friendlyName, localKeyId };
}

interface Collected {
  keys: Pkcs12Key[];
  certificates: Pkcs12Certificate[];
  warnings: string[];
  bags: number;
}

function readBag(bag: DerNode, password: string, out: Collected, depth: number): void {
  if (++out.bags > MAX_PKCS12_BAGS) throw new FileFormatError(FORMAT, `more than ${MAX_PKCS12_BAGS} bags`);
  const [idNode, valueNode, attrNode] = derSequence(bag, 'SafeBag', 2);
  const id = derOid(idNode, 'bag type');
  const value = derExplicit(valueNode, 0, 'bag value');
  const attrs = attributes(attrNode);
  if (id === OID.KEY_BAG) out.keys.push({ ...attrs, pkcs8: value.raw.slice() });
  else if (id === OID.SHROUDED_KEY_BAG) {
    const [alg, data] = derSequence(value, 'EncryptedPrivateKeyInfo', 2);
    out.keys.push({ ...attrs, pkcs8: pbeDecrypt(alg, password, derOctets(data, 'encrypted key')) });
  } else if (id === OID.CERT_BAG) {
    const [type, cert] = derSequence(value, 'CertBag', 2);
    if (derOid(type, 'certificate type') === OID.X509_CERTIFICATE)
      out.certificates.push({ ...attrs, der: derOctets(derExplicit(cert, 0, 'certificate'), 'certificate').slice() });
    else out.warnings.push('a certificate that is not X.509 was ignored');
  } else if (id === OID.SAFE_CONTENTS_BAG && depth < 4) readSafeContents(value, password, out, depth + 1);
  else out.warnings.push(`a bag of type ${id} was ignored`);
}

function readSafeContents(node: DerNode, password: string, out: Collected, depth: number): void {
  for (const bag of derSequence(node, 'SafeContents')) readBag(bag, password, out, depth);
}

function encryptedSafe(content: DerNode | undefined, password: string): DerNode {
  const [, eci] = derSequence(content, 'EncryptedData', 2);
  const [, alg, data] = derSequence(eci, 'EncryptedContentInfo', 3);
  if (data === undefined || data.cls !== DER_CLASS.CONTEXT || data.tag !== 0) throw new DerError('encrypted content [0] is missing');
  const bytes = data.constructed ? derOctets({ ...data, cls: 0, tag: 4 }, 'encrypted content') : data.value;
  const plain = pbeDecrypt(alg, password, bytes);
  return readDer(plain);
}

function readAuthSafe(safe: Uint8Array, password: string, out: Collected): void {
  for (const ci of derSequence(readDer(safe), 'AuthenticatedSafe')) {
    const { type, content } = contentInfo(ci, 'safe');
    if (type === OID.DATA) readSafeContents(readDer(derOctets(content, 'SafeContents')), password, out, 0);
    else if (type === OID.ENCRYPTED_DATA) readSafeContents(encryptedSafe(content, password), password, out, 0);
    else
      throw new FileFormatError(FORMAT, `content of type ${type} (public-key privacy) is not supported`, {
        hint: 'export the key with password privacy (openssl pkcs12 -export)',
      });
  }
}

/** Read a PKCS#12 file with `password`. Throws WrongPasswordError for a wrong password or a bad MAC. */
export function parsePkcs12(bytes: Uint8Array, password: string): Pkcs12Contents {
  try {
    const [versionNode, authSafeNode, macData] = derSequence(readDer(bytes), 'PFX', 2);
    if (derSmallInt(versionNode, 'PFX version') !== 3) throw new FileFormatError(FORMAT, 'version is not 3');
    const { type, content } = contentInfo(authSafeNode, 'authSafe');
    if (type !== OID.DATA) throw new FileFormatError(FORMAT, `authSafe of type ${type} (public-key integrity) is not supported`);
    const safe = derOctets(content, 'authSafe content');
    const out: Collected = { keys: [], certificates: [], warnings: [], bags: 0 };
    if (macData === undefined) out.warnings.push('the file has no MAC: its integrity was not checked');
    else verifyMac(macData, password, safe);
    readAuthSafe(safe, password, out);
    return { keys: out.keys, certificates: out.certificates, mac: macData === undefined ? 'absent' : 'verified', warnings: out.warnings };
  } catch (err) {
    if (err instanceof DerError) throw new FileFormatError(FORMAT, err.message.replace(/^ASN\.1: /, ''), { cause: err });
    throw err;
  }
}
