/**
 * Where an imported certificate goes and whether it may (issue 12 item 2), shared by `schsm certs
 * import` and the explorer: with key N in CExx (--ref, or the key whose public key the certificate
 * holds), else as a CA certificate in CAxx + C8xx. An end-entity certificate must belong to its key
 * (certificate-key-match.ts) unless `allowKeyMismatch`; an X.509 certificate already in place, or a CA
 * certificate with the same content or label, is replaced only with `replace`. Refusals are
 * RefusedErrors (nothing written). `login` runs the writing part after the user PIN is verified.
 */
import { createHash } from 'node:crypto';
import { RefusedError } from '../transport/errors.ts';
import { compareWithKey, matchCertificateToKey, type KeyMatch } from './certificate-key-match.ts';
import { listCertificates, writeCaCertificate, writeEndEntityCertificate, type CertificateInfo } from './certificates.ts';
import { spkiDer } from './formats/public-key.ts';
import { certificateMatchesKey, commonName, type X509Summary } from './formats/x509.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { intrinsicKeyId, listKeys, type KeyInfo } from './keys.ts';
import type { CardSession } from './session.ts';

export interface CertificateImportOptions {
  readonly ref?: number | undefined;
  readonly ca?: boolean | undefined;
  readonly label?: string | undefined;
  readonly id?: Uint8Array | undefined;
  readonly replace?: boolean | undefined;
  readonly allowKeyMismatch?: boolean | undefined;
  /** How the caller names the overrides in hints (CLI: --replace / --allow-key-mismatch). */
  readonly flags?: { readonly replace: string; readonly mismatch: string; readonly ca: string } | undefined;
}

export interface CertificateImport {
  readonly cert: CertificateInfo;
  readonly match: KeyMatch | undefined;
  readonly replaced: boolean;
}

const FLAGS = { replace: '--replace', mismatch: '--allow-key-mismatch', ca: '--ca' };

function targetKey(o: CertificateImportOptions, keys: readonly KeyInfo[], cert: X509Summary, ca: string): KeyInfo | undefined {
  if (o.ref !== undefined) {
    const k = keys.find((x) => x.ref === o.ref);
    if (k === undefined)
      throw new InvalidArgumentError(
        `there is no key ${o.ref} on this device`,
        `keys list shows the keys; ${ca} stores a certificate without a key`,
      );
    return k;
  }
  if (o.ca === true) return undefined;
  return keys.find((k) => k.publicKey !== undefined && certificateMatchesKey(cert, k.publicKey));
}

function refuseMismatch(ref: number, m: KeyMatch, f: typeof FLAGS): never {
  const why = m.result === 'unknown' ? `it cannot be checked (${m.reason})` : `its public key is not key ${ref}'s (${m.method})`;
  throw new RefusedError(
    `the certificate does not belong to key ${ref}: ${why}`,
    `check the key reference (keys list); ${f.mismatch} stores it anyway, ${f.ca} as a CA certificate`,
  );
}

async function endEntity(
  card: CardSession,
  o: CertificateImportOptions,
  key: KeyInfo,
  cert: X509Summary,
  existing: readonly CertificateInfo[],
  login: <T>(fn: () => Promise<T>) => Promise<T>,
  f: typeof FLAGS,
): Promise<CertificateImport> {
  const there = existing.find((c) => c.keyRef === key.ref);
  if (there !== undefined && o.replace !== true)
    throw new RefusedError(
      `key ${key.ref} already has an X.509 certificate (${there.x509?.subject ?? 'unreadable'})`,
      `${f.replace} puts this one in its place`,
    );
  const compared = compareWithKey(key, cert);
  if (compared.result === 'mismatch' && o.allowKeyMismatch !== true) refuseMismatch(key.ref, compared, f);
  return login(async () => {
    const match = compared.result === 'unknown' ? await matchCertificateToKey(card, key.ref, cert) : compared;
    if (match.result !== 'match' && o.allowKeyMismatch !== true) refuseMismatch(key.ref, match, f);
    const fid = await writeEndEntityCertificate(card, key.ref, cert.der);
    const info: CertificateInfo = {
      kind: 'end-entity',
      fid,
      keyRef: key.ref,
      keyPresent: true,
      cdFid: undefined,
      label: key.label,
      id: key.id,
      der: cert.der,
      x509: cert,
    };
    return { cert: info, match, replaced: there !== undefined };
  });
}

/** OpenSC's default ID for a certificate: SHA-1 of the RSA modulus / EC x-coordinate (keys.ts), else of the SPKI. */
export function defaultCertificateId(cert: X509Summary): Uint8Array {
  const t = cert.publicKey.asymmetricKeyType;
  if (t === 'rsa' || t === 'ec') return intrinsicKeyId(cert.publicKey);
  return new Uint8Array(createHash('sha1').update(spkiDer(cert.publicKey)).digest());
}

async function caCertificate(
  card: CardSession,
  o: CertificateImportOptions,
  cert: X509Summary,
  existing: readonly CertificateInfo[],
  login: <T>(fn: () => Promise<T>) => Promise<T>,
  f: typeof FLAGS,
): Promise<CertificateImport> {
  const label = o.label ?? commonName(cert.subject) ?? cert.subject;
  const same = existing.filter((c) => c.kind === 'ca' && (Buffer.from(c.der).equals(Buffer.from(cert.der)) || c.label === label));
  if (same.length > 1)
    throw new RefusedError(
      `${same.length} CA certificates have this content or label ${JSON.stringify(label)}`,
      'delete the extra ones by their file first',
    );
  const there = same[0];
  if (there !== undefined && o.replace !== true)
    throw new RefusedError(
      `a CA certificate with this content or label ${JSON.stringify(label)} is stored (CA${(there.fid & 0xff).toString(16).padStart(2, '0').toUpperCase()})`,
      `choose another label, or ${f.replace} it`,
    );
  const stored = await login(() => writeCaCertificate(card, { der: cert.der, label, id: o.id ?? defaultCertificateId(cert) }, there));
  return { cert: stored, match: undefined, replaced: there !== undefined };
}

/** Decide where `cert` goes on the card, check it, and (inside `login`) write it. */
export async function importCertificate(
  card: CardSession,
  cert: X509Summary,
  o: CertificateImportOptions,
  login: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<CertificateImport> {
  const f = o.flags ?? FLAGS;
  const [keys, existing] = [await listKeys(card), await listCertificates(card)];
  const key = targetKey(o, keys, cert, f.ca);
  return key === undefined ? caCertificate(card, o, cert, existing, login, f) : endEntity(card, o, key, cert, existing, login, f);
}
