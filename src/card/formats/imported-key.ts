/**
 * Open a key file (key-file.ts decides what it is) with its secret and return the key as key-blob
 * components, with what the file says about it: label and ID (PKCS#12 friendlyName / localKeyId) and
 * the certificate that belongs to the key (PKCS#12 certBag, or a CERTIFICATE block next to a PEM key),
 * matched by localKeyId and checked against the key's public key. Other certificates (a CA chain) are
 * reported in `warnings`, not imported. The caller wipes `key` (wipeKeyBlobKey) when done.
 */
import type { KeyObject } from 'node:crypto';
import type { CurveParams } from '../curves.ts';
import { FileFormatError } from './errors.ts';
import type { KeyBlobKey } from './key-blob-layout.ts';
import { aesKeyFrom, type KeyFileKind, pemBlocks, privateKeyToPkcs8, unwrapWithKek } from './key-file.ts';
import { parsePkcs12, type Pkcs12Certificate, type Pkcs12Key } from './pkcs12.ts';
import { keyFromPkcs8, type PrivateKeyMaterial } from './private-key-der.ts';
import { certificateMatchesKey, readCertificate, type X509Summary } from './x509.ts';

export interface ImportedKey {
  readonly kind: 'rsa' | 'ec' | 'aes';
  readonly key: KeyBlobKey;
  /** RSA modulus bits, EC field bits, AES key bits. */
  readonly bits: number;
  readonly curve: CurveParams | undefined;
  readonly publicKey: KeyObject | undefined;
  /** PKCS#12 friendlyName. */
  readonly label: string | undefined;
  /** PKCS#12 localKeyId. */
  readonly id: Uint8Array | undefined;
  /** The key's own certificate, to be stored in CExx. */
  readonly certificate: X509Summary | undefined;
  /** What the file was, e.g. "PKCS#12", "SEC1 PEM", "RFC 5649 (CKM_AES_KEY_WRAP_PAD) → PKCS#8". */
  readonly source: string;
  readonly warnings: readonly string[];
}

export interface KeyFileSecrets {
  /** PKCS#12 or encrypted-PEM/DER password. */
  readonly password?: string | undefined;
  /** Key-encryption key for `wrapped`. */
  readonly kek?: Uint8Array | undefined;
}

function asymmetric(m: PrivateKeyMaterial, source: string, extra: Partial<ImportedKey> = {}): ImportedKey {
  return {
    kind: m.kind,
    key: m.key,
    bits: m.bits,
    curve: m.curve,
    publicKey: m.publicKey,
    label: undefined,
    id: undefined,
    certificate: undefined,
    source,
    warnings: [],
    ...extra,
  };
}

function aes(key: Uint8Array, source: string): ImportedKey {
  return {
    kind: 'aes',
    key: { kind: 'aes', key },
    bits: key.length * 8,
    curve: undefined,
    publicKey: undefined,
    label: undefined,
    id: undefined,
    certificate: undefined,
    source,
    warnings: [],
  };
}

const sameId = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

/** The key's certificate among `certs`: by localKeyId, else by public key. Mismatches are errors. */
function pickCertificate(m: PrivateKeyMaterial, keyId: Uint8Array | undefined, certs: readonly Pkcs12Certificate[], file: string) {
  const warnings: string[] = [];
  const read = certs.map((c) => ({ bag: c, cert: readCertificate(c.der, `a certificate in ${file}`) }));
  const byId = read.find((c) => sameId(c.bag.localKeyId, keyId));
  const byKey = read.find((c) => certificateMatchesKey(c.cert, m.publicKey));
  if (byId !== undefined && !certificateMatchesKey(byId.cert, m.publicKey))
    throw new FileFormatError(
      'key file',
      `${file}: the certificate marked for the key (${byId.cert.subject}) is not the key's certificate`,
      {
        hint: 'the file is inconsistent; export it again',
      },
    );
  const own = byId ?? byKey;
  const others = read.filter((c) => c !== own);
  if (others.length > 0)
    warnings.push(
      `${others.length} other certificate(s) in ${file} (e.g. ${others[0]?.cert.subject}) were not imported: only the key's own certificate is stored with it`,
    );
  if (own === undefined && read.length > 0) warnings.push(`none of the certificates in ${file} belongs to the key`);
  return { certificate: own?.cert, warnings };
}

function fromPkcs12(bytes: Uint8Array, file: string, password: string): ImportedKey {
  const p12 = parsePkcs12(bytes, password);
  const keys: readonly Pkcs12Key[] = p12.keys;
  if (keys.length !== 1) {
    for (const k of keys) k.pkcs8.fill(0);
    throw new FileFormatError('PKCS#12 file', `${file} holds ${keys.length} private keys; schsm imports a file with exactly one`, {
      hint: 'split it with openssl pkcs12 (one key per file)',
    });
  }
  const k = keys[0] as Pkcs12Key;
  try {
    const m = keyFromPkcs8(k.pkcs8);
    const { certificate, warnings } = pickCertificate(m, k.localKeyId, p12.certificates, file);
    return asymmetric(m, 'PKCS#12', { label: k.friendlyName, id: k.localKeyId, certificate, warnings: [...p12.warnings, ...warnings] });
  } finally {
    k.pkcs8.fill(0);
  }
}

function fromPrivateKey(bytes: Uint8Array, file: string, kind: KeyFileKind, password: string | undefined): ImportedKey {
  const pkcs8 = privateKeyToPkcs8(bytes, kind.format === 'pem' ? 'pem' : 'der', kind.needsPassword ? password : undefined);
  try {
    const m = keyFromPkcs8(pkcs8);
    if (kind.format !== 'pem') return asymmetric(m, kind.description);
    const certs = pemBlocks(Buffer.from(bytes).toString('latin1'))
      .filter((b) => b.label === 'CERTIFICATE')
      .map((b) => ({ der: b.der, friendlyName: undefined, localKeyId: undefined }));
    const { certificate, warnings } = pickCertificate(m, undefined, certs, file);
    return asymmetric(m, kind.description, { certificate, warnings });
  } finally {
    pkcs8.fill(0);
  }
}

function fromWrapped(bytes: Uint8Array, file: string, kek: Uint8Array): ImportedKey {
  const { plain, mode } = unwrapWithKek(bytes, kek);
  try {
    if ([16, 24, 32].includes(plain.length)) return aes(plain.slice(), `${mode} → AES key`);
    return asymmetric(keyFromPkcs8(plain), `${mode} → PKCS#8`);
  } catch (err) {
    if (err instanceof FileFormatError)
      throw new FileFormatError(
        'key file',
        `${file} unwraps (${mode}) to ${plain.length} bytes that are neither an AES key nor a PKCS#8 private key`,
        { cause: err },
      );
    throw err;
  } finally {
    plain.fill(0);
  }
}

/** Read the key in `bytes` (the contents of `file`, of `kind`) with its secrets. */
export function readKeyFile(bytes: Uint8Array, file: string, kind: KeyFileKind, secrets: KeyFileSecrets = {}): ImportedKey {
  switch (kind.format) {
    case 'pkcs12':
      return fromPkcs12(bytes, file, secrets.password ?? '');
    case 'pem':
    case 'der':
      return fromPrivateKey(bytes, file, kind, secrets.password);
    case 'aes':
    case 'aes-hex':
      return aes(aesKeyFrom(bytes, kind.format === 'aes-hex', file), kind.description);
    case 'wrapped':
      if (secrets.kek === undefined)
        throw new FileFormatError('key file', `${file} is AES-wrapped: a key-encryption key is needed (--kek-file)`);
      return fromWrapped(bytes, file, secrets.kek);
  }
}

/**
 * The key with `bytes` (PEM or DER X.509, e.g. `--cert FILE`) as its certificate: it must belong to the
 * key; it replaces one the key file brought (with a warning).
 */
export function withCertificate(key: ImportedKey, bytes: Uint8Array, file: string): ImportedKey {
  if (key.publicKey === undefined) throw new FileFormatError('certificate', `${file}: an AES key has no certificate`);
  const pem = pemBlocks(Buffer.from(bytes).toString('latin1')).find((b) => b.label === 'CERTIFICATE');
  const cert = readCertificate(pem?.der ?? bytes, file);
  if (!certificateMatchesKey(cert, key.publicKey))
    throw new FileFormatError('certificate', `${file} (${cert.subject}) is not a certificate of this key`, {
      hint: 'give the certificate issued for this key',
    });
  const warnings = key.certificate === undefined ? key.warnings : [...key.warnings, `${file} replaces the certificate in the key file`];
  return { ...key, certificate: cert, warnings };
}
