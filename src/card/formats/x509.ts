/**
 * The little of X.509 that key import needs: is a DER blob a certificate, what does it say (subject,
 * issuer, validity, whether it is a CA) and does it belong to a given public key. Parsing is node's
 * (X509Certificate); this module is the one place schsm reads X.509, so certificate commands can grow
 * it (chains, extensions) without a second parser.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { FileFormatError } from './errors.ts';
import { pemBlocks } from './key-file.ts';
import { spkiDer, spkiFingerprint } from './public-key.ts';

export interface X509Summary {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly ca: boolean;
  /** Serial number, upper-case hex as node prints it. */
  readonly serial: string;
  /** SHA-256 of the DER (lower-case hex), as `openssl x509 -fingerprint -sha256` without colons. */
  readonly sha256: string;
  readonly publicKey: KeyObject;
  /** DER as given. */
  readonly der: Uint8Array;
}

/** Decode a DER certificate; FileFormatError naming `what` when it is not one. */
export function readCertificate(der: Uint8Array, what = 'certificate'): X509Summary {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(der));
  } catch (err) {
    throw new FileFormatError('X.509 certificate', `${what} is not a readable X.509 certificate: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    notBefore: cert.validFrom,
    notAfter: cert.validTo,
    ca: cert.ca,
    serial: cert.serialNumber,
    sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    publicKey: cert.publicKey,
    der: new Uint8Array(der),
  };
}

/** True when the certificate's subject public key is `publicKey` (same SubjectPublicKeyInfo). */
export function certificateMatchesKey(cert: X509Summary, publicKey: KeyObject): boolean {
  return Buffer.from(spkiDer(cert.publicKey)).equals(Buffer.from(spkiDer(publicKey)));
}

/** The commonName of a subject as node prints it ("O=Example, CN=Signer" → "Signer"), if any. */
export function commonName(subject: string): string | undefined {
  const m = /(?:^|, )CN=([^,]*)/.exec(subject);
  return m?.[1];
}

/** SHA-256 of the certificate's SubjectPublicKeyInfo (hex), as `keys list` prints key fingerprints. */
export function certificateKeyFingerprint(cert: X509Summary): string {
  return spkiFingerprint(spkiDer(cert.publicKey));
}

/**
 * A certificate file: DER, or PEM with exactly one CERTIFICATE block (a chain is refused: import its
 * certificates one by one). `name` is the file's name in messages.
 */
export function readCertificateFile(bytes: Uint8Array, name: string): X509Summary {
  if (bytes[0] === 0x30) return readCertificate(bytes, name);
  const blocks = pemBlocks(Buffer.from(bytes).toString('latin1')).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0)
    throw new FileFormatError('X.509 certificate', `${name} is neither a DER certificate nor PEM with a CERTIFICATE block`);
  if (blocks.length > 1)
    throw new FileFormatError('X.509 certificate', `${name} holds ${blocks.length} certificates`, {
      hint: 'import them one at a time (one CERTIFICATE block per file)',
    });
  return readCertificate((blocks[0] as { der: Uint8Array }).der, name);
}

/** PEM text of a DER certificate (64-column base64, as OpenSSL writes). */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.endsWith('\n') ? b64 : `${b64}\n`}-----END CERTIFICATE-----\n`;
}
