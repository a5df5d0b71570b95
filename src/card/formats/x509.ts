/**
 * The little of X.509 that key import needs: is a DER blob a certificate, what does it say (subject,
 * issuer, validity, whether it is a CA) and does it belong to a given public key. Parsing is node's
 * (X509Certificate); this module is the one place schsm reads X.509, so certificate commands can grow
 * it (chains, extensions) without a second parser.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { FileFormatError } from './errors.ts';
import { spkiDer } from './public-key.ts';

export interface X509Summary {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly ca: boolean;
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
    publicKey: cert.publicKey,
    der: new Uint8Array(der),
  };
}

/** True when the certificate's subject public key is `publicKey` (same SubjectPublicKeyInfo). */
export function certificateMatchesKey(cert: X509Summary, publicKey: KeyObject): boolean {
  return Buffer.from(spkiDer(cert.publicKey)).equals(Buffer.from(spkiDer(publicKey)));
}
