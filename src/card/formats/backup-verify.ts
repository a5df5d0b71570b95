/**
 * The offline check behind `schsm backup verify FILE --share A.pbe …`: does this exported key open
 * with these DKEK shares, is it intact, and what is in it? Pure: the caller reads the files and decrypts
 * the shares (dkek-share-file.ts); the result is structured for the CLI to format.
 */
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { toHex } from '../../apdu/hex.ts';
import { parseAuthenticatedRequest } from '../cvc.ts';
import { cvcPublicKeyToKeyObject } from '../cvc-key.ts';
import { describeBlobKey } from './blob-key-description.ts';
import type { BlobKeyDescription } from './blob-key-description.ts';
import { KcvMismatchError, MacError } from './errors.ts';
import { assembleDkek, dkekKcv, type Kcv } from './kcv.ts';
import { decodeKeyBlob, openKeyBlob } from './key-blob.ts';
import type { KeyBlob } from './key-blob-layout.ts';
import { keyBlobTypeName } from './key-blob-layout.ts';
import { summarizePrkd } from './prkd-summary.ts';
import type { PrkdSummary } from './prkd-summary.ts';
import { spkiDer, spkiFingerprint } from './public-key.ts';
import { parseWrappedKeyFile } from './wrapped-key-file.ts';

export interface BackupVerifyInput {
  /** A wrapped-key file (30 …, §9.2) or a bare key blob (§9.1). */
  readonly file: Uint8Array;
  /** Decrypted DKEK shares (XORed together), or … */
  readonly shares?: readonly Uint8Array[];
  /** … the assembled DKEK. Without either, only the structure and the blob's KCV are reported. */
  readonly dkek?: Uint8Array;
}

export interface CertificateSummary {
  readonly kind: 'x509' | 'cv-request' | 'unknown';
  /** X.509 subject or the CV request's CHR. */
  readonly subject: string | undefined;
  /** SHA-256 of the SPKI DER of the certificate's public key. */
  readonly fingerprint: string | undefined;
  /** Whether that public key is the blob's (undefined when either side is unknown). */
  readonly matchesKey: boolean | undefined;
}

export interface BackupVerification {
  readonly container: 'wrapped-key-file' | 'key-blob';
  /** KCV the blob was wrapped under (16 upper-case hex digits). */
  readonly blobKcv: Kcv;
  /** KCV of the supplied shares/DKEK. */
  readonly dkekKcv: Kcv | undefined;
  readonly kcvMatches: boolean | undefined;
  /** AES-CMAC check; undefined when it could not be checked (no DKEK, or KCV mismatch). */
  readonly macValid: boolean | undefined;
  readonly keyType: number;
  readonly typeName: string;
  /** The opened key (type, size, curve, public key, fingerprint, allowed algorithms, consistency). */
  readonly key: BlobKeyDescription | undefined;
  readonly prkd: PrkdSummary | undefined;
  readonly certificate: CertificateSummary | undefined;
  readonly warnings: readonly string[];
  /** KCV matches, MAC verifies, the key is consistent and a certificate (if any) matches it. */
  readonly verified: boolean;
}

interface Container {
  readonly container: BackupVerification['container'];
  readonly blob: Uint8Array;
  readonly prkd: Uint8Array | undefined;
  readonly cert: Uint8Array | undefined;
  readonly warnings: string[];
}

function splitContainer(file: Uint8Array): Container {
  if (file[0] !== 0x30) return { container: 'key-blob', blob: file, prkd: undefined, cert: undefined, warnings: [] };
  const f = parseWrappedKeyFile(file);
  return { container: 'wrapped-key-file', blob: f.blob, prkd: f.prkd, cert: f.certificate, warnings: [...f.warnings] };
}

function prkdOf(parts: Container): PrkdSummary | undefined {
  if (parts.prkd === undefined) return undefined;
  try {
    return summarizePrkd(parts.prkd);
  } catch (err) {
    parts.warnings.push((err as Error).message);
    return undefined;
  }
}

function certificatePublicKey(cert: Uint8Array): {
  kind: CertificateSummary['kind'];
  subject: string | undefined;
  key: KeyObject | undefined;
} {
  if (cert[0] === 0x30) {
    const x = new X509Certificate(cert);
    return { kind: 'x509', subject: x.subject.replace(/\n/g, ', '), key: x.publicKey };
  }
  if (cert[0] === 0x67 || (cert[0] === 0x7f && cert[1] === 0x21)) {
    const r = parseAuthenticatedRequest(cert).request;
    const pk = r.body.publicKey;
    const usable = pk.kind === 'rsa' || (pk.curve !== undefined && pk.point !== undefined);
    return { kind: 'cv-request', subject: r.body.chr, key: usable ? cvcPublicKeyToKeyObject(pk) : undefined };
  }
  return { kind: 'unknown', subject: undefined, key: undefined };
}

function summarizeCertificate(cert: Uint8Array, key: BlobKeyDescription | undefined, warnings: string[]): CertificateSummary {
  try {
    const c = certificatePublicKey(cert);
    const fingerprint = c.key === undefined ? undefined : spkiFingerprint(spkiDer(c.key));
    const matchesKey = fingerprint === undefined || key?.fingerprint === undefined ? undefined : fingerprint === key.fingerprint;
    return { kind: c.kind, subject: c.subject, fingerprint, matchesKey };
  } catch (err) {
    warnings.push(`certificate could not be decoded: ${(err as Error).message}`);
    return { kind: 'unknown', subject: undefined, fingerprint: undefined, matchesKey: undefined };
  }
}

function openWith(blob: KeyBlob, dkek: Uint8Array | undefined): { macValid: boolean | undefined; key: BlobKeyDescription | undefined } {
  if (dkek === undefined) return { macValid: undefined, key: undefined };
  try {
    const opened = openKeyBlob(blob, dkek);
    return { macValid: true, key: describeBlobKey(opened.blob, opened.plaintext) };
  } catch (err) {
    if (err instanceof KcvMismatchError) return { macValid: undefined, key: undefined };
    if (err instanceof MacError) return { macValid: false, key: undefined };
    throw err;
  }
}

/** Check an exported key against DKEK shares and describe it. */
export function verifyBackup(input: BackupVerifyInput): BackupVerification {
  const parts = splitContainer(input.file);
  const blob = decodeKeyBlob(parts.blob);
  const dkek = input.dkek ?? (input.shares === undefined ? undefined : assembleDkek(input.shares));
  const dkekKcvHex = dkek === undefined ? undefined : toHex(dkekKcv(dkek));
  const blobKcv = toHex(blob.kcv);
  const { macValid, key } = openWith(blob, dkek);
  const prkd = prkdOf(parts);
  const certificate = parts.cert === undefined ? undefined : summarizeCertificate(parts.cert, key, parts.warnings);
  const kcvMatches = dkekKcvHex === undefined ? undefined : dkekKcvHex === blobKcv;
  return {
    container: parts.container,
    blobKcv,
    dkekKcv: dkekKcvHex,
    kcvMatches,
    macValid,
    keyType: blob.keyType,
    typeName: keyBlobTypeName(blob.keyType),
    key,
    prkd,
    certificate,
    warnings: parts.warnings,
    verified: kcvMatches === true && macValid === true && key?.consistent === true && certificate?.matchesKey !== false,
  };
}
