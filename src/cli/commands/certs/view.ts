/** How the certs commands name and show a certificate, and which one the options select. */
import { hex4, toHex } from '../../../apdu/hex.ts';
import type { CertificateInfo, CertificateSelector } from '../../../card/certificates.ts';
import { certificateKeyFingerprint } from '../../../card/formats/x509.ts';
import { UsageError } from '../../exit-codes.ts';
import { keyRef } from '../keys/key-ref.ts';

/** `--ref N`, `--label L` or `--fid CExx|CAxx|C8xx`: exactly one of them. */
export function selection(args: { ref?: number | undefined; label?: string | undefined; fid?: string | undefined }): CertificateSelector {
  const given = [args.ref, args.label, args.fid].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('name the certificate with --ref, --label or --fid (one of them)');
  if (args.ref !== undefined) return { ref: keyRef(args.ref) };
  if (args.label !== undefined) return { label: args.label };
  const t = (args.fid ?? '').replace(/^0x/i, '');
  if (!/^(CE|CA|C8)[0-9A-F]{2}$/i.test(t))
    throw new UsageError(
      `--fid ${JSON.stringify(args.fid)} is not a certificate file`,
      'CExx (with key xx), CAxx or C8xx (CA certificates)',
    );
  return { fid: parseInt(t, 16) };
}

export function certFiles(c: CertificateInfo): string {
  return `${hex4(c.fid)}${c.cdFid === undefined ? '' : `, ${hex4(c.cdFid)}`}`;
}

/** `"signer" (CE01)`. */
export function certName(c: CertificateInfo): string {
  const who = c.label ?? c.x509?.subject ?? 'certificate';
  return `${JSON.stringify(who)} (${certFiles(c)})`;
}

export function certLines(c: CertificateInfo): string[] {
  const row = (label: string, value: string): string => `  ${label.padEnd(14)}: ${value}`;
  const head =
    c.kind === 'end-entity'
      ? `Certificate of key ${c.keyRef}${c.keyPresent ? '' : ' (the key is gone)'}`
      : `CA certificate${c.cdFid === undefined ? ' (no C8xx description: invisible to PKCS#11)' : ''}`;
  const x = c.x509;
  return [
    `${head} ${c.label === undefined ? '' : JSON.stringify(c.label)}`.trimEnd(),
    row('ID', c.id === undefined ? '-' : toHex(c.id).toLowerCase()),
    ...(x === undefined
      ? [row('Content', `${c.der.length} bytes that are not a readable X.509 certificate`)]
      : [
          row('Subject', x.subject),
          row('Issuer', x.issuer),
          row('Valid', `${x.notBefore} to ${x.notAfter}`),
          row('Serial', x.serial),
          row('CA', x.ca ? 'yes' : 'no'),
          row('SHA-256', x.sha256),
        ]),
    row('Files', certFiles(c)),
  ];
}

export function certJson(c: CertificateInfo): unknown {
  const x = c.x509;
  return {
    kind: c.kind,
    ref: c.keyRef ?? null,
    keyPresent: c.kind === 'end-entity' ? c.keyPresent : null,
    label: c.label ?? null,
    id: c.id === undefined ? null : toHex(c.id).toLowerCase(),
    fid: hex4(c.fid),
    cd: c.cdFid === undefined ? null : hex4(c.cdFid),
    subject: x?.subject ?? null,
    issuer: x?.issuer ?? null,
    notBefore: x?.notBefore ?? null,
    notAfter: x?.notAfter ?? null,
    serial: x?.serial ?? null,
    ca: x?.ca ?? null,
    sha256: x?.sha256 ?? null,
    publicKeyFingerprint: x === undefined ? null : certificateKeyFingerprint(x),
  };
}
