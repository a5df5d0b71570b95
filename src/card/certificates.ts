/**
 * X.509 certificates on the card (issue 12 item 2) in the layout OpenSC's SmartCard-HSM emulation reads
 * and writes (§5, §5.1, §5.2; OpenSC pkcs15init/pkcs15-sc-hsm.c `sc_hsm_emu_store_cert`):
 *   end-entity  CExx, next to key xx: no description of its own, OpenSC lists it with the label and ID
 *               of the key's PRKD (C4xx). It replaces the CV request key generation left there.
 *   CA          CAxx (no private key), with its PKCS#15 description (label, ID) in C8xx, the same xx:
 *               the lowest id free in both ranges, counted from 00 as OpenSC's `sc_hsm_determine_free_id`.
 * Writing puts the certificate first, then the description; deleting removes both. The certificate
 * files are key files (key-files.ts): only these functions write them, passing the override.
 */
import { hex4 } from '../apdu/hex.ts';
import { enumerateObjects } from './commands/enumerate-objects.ts';
import { FID_PREFIX } from './constants.ts';
import { deleteIfExists, readFileIfExists, replaceFile } from './files.ts';
import { readCertificate, type X509Summary } from './formats/x509.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { encodeCd } from './pkcs15-cd.ts';
import { parseCd, parsePrkd } from './pkcs15.ts';
import type { CardSession } from './session.ts';

export interface CertificateInfo {
  readonly kind: 'end-entity' | 'ca';
  /** CExx or CAxx. */
  readonly fid: number;
  /** End-entity: the key reference xx (the key may be gone: `keyPresent`). */
  readonly keyRef: number | undefined;
  readonly keyPresent: boolean;
  /** CA: the description C8xx, or undefined for a CAxx nobody describes (invisible to PKCS#11). */
  readonly cdFid: number | undefined;
  /** PKCS#15 label and ID: the key's PRKD for end-entity certificates, the C8xx for CA ones. */
  readonly label: string | undefined;
  readonly id: Uint8Array | undefined;
  readonly der: Uint8Array;
  /** Decoded, or undefined when the bytes are not a readable certificate. */
  readonly x509: X509Summary | undefined;
}

export interface CaCertificateInput {
  readonly der: Uint8Array;
  readonly label: string;
  readonly id: Uint8Array;
}

const fid = (prefix: number, id: number): number => (prefix << 8) | id;
const inRange = (f: number, prefix: number): boolean => f >> 8 === prefix;

function decode(der: Uint8Array): X509Summary | undefined {
  try {
    return readCertificate(der);
  } catch {
    return undefined;
  }
}

function prkdOf(bytes: Uint8Array | undefined): { label: string | undefined; id: Uint8Array | undefined } {
  if (bytes === undefined || bytes.length === 0) return { label: undefined, id: undefined };
  try {
    const d = parsePrkd(bytes);
    return { label: d.label, id: d.id };
  } catch {
    return { label: undefined, id: undefined };
  }
}

async function endEntity(card: CardSession, ref: number, keyPresent: boolean): Promise<CertificateInfo | undefined> {
  const der = await readFileIfExists(card, fid(FID_PREFIX.EE_CERTIFICATE, ref));
  if (der === undefined || der[0] !== 0x30) return undefined; // absent, or a CV request (67…)
  const { label, id } = prkdOf(await readFileIfExists(card, fid(FID_PREFIX.PRKD, ref)));
  return {
    kind: 'end-entity',
    fid: fid(FID_PREFIX.EE_CERTIFICATE, ref),
    keyRef: ref,
    keyPresent,
    cdFid: undefined,
    label,
    id,
    der,
    x509: decode(der),
  };
}

async function described(card: CardSession, cd: number): Promise<CertificateInfo | undefined> {
  const bytes = await readFileIfExists(card, cd);
  if (bytes === undefined || bytes.length === 0) return undefined;
  const d = parseCd(bytes);
  const path = d.path;
  const target = path !== undefined && path.length >= 2 ? ((path[path.length - 2] ?? 0) << 8) | (path[path.length - 1] ?? 0) : undefined;
  const f = target ?? fid(FID_PREFIX.CA_CERTIFICATE, cd & 0xff);
  const der = (await readFileIfExists(card, f)) ?? new Uint8Array(0);
  return { kind: 'ca', fid: f, keyRef: undefined, keyPresent: false, cdFid: cd, label: d.label, id: d.id, der, x509: decode(der) };
}

/** Every certificate: X.509 in CExx (by key reference), then each C8xx with its CAxx, then CAxx nobody describes. */
export async function listCertificates(card: CardSession): Promise<CertificateInfo[]> {
  const objects = await enumerateObjects(card);
  const keys = new Set(objects.filter((f) => inRange(f, FID_PREFIX.KEY)).map((f) => f & 0xff));
  const out: CertificateInfo[] = [];
  const ee = objects.filter((f) => inRange(f, FID_PREFIX.EE_CERTIFICATE)).map((f) => f & 0xff);
  for (const ref of [...new Set([...ee, ...[...keys].filter((k) => k !== 0)])].sort((a, b) => a - b)) {
    const c = await endEntity(card, ref, keys.has(ref));
    if (c !== undefined) out.push(c);
  }
  for (const cd of objects.filter((f) => inRange(f, FID_PREFIX.CD)).sort((a, b) => a - b)) {
    const c = await described(card, cd);
    if (c !== undefined) out.push(c);
  }
  const seen = new Set(out.map((c) => c.fid));
  for (const f of objects.filter((x) => inRange(x, FID_PREFIX.CA_CERTIFICATE) && !seen.has(x)).sort((a, b) => a - b)) {
    const der = (await readFileIfExists(card, f)) ?? new Uint8Array(0);
    out.push({
      kind: 'ca',
      fid: f,
      keyRef: undefined,
      keyPresent: false,
      cdFid: undefined,
      label: undefined,
      id: undefined,
      der,
      x509: decode(der),
    });
  }
  return out;
}

export interface CertificateSelector {
  readonly ref?: number | undefined;
  readonly label?: string | undefined;
  /** CExx, CAxx or C8xx. */
  readonly fid?: number | undefined;
}

/** Find one certificate by key reference, label (exactly one must match) or FID. */
export function findCertificate(certs: readonly CertificateInfo[], by: CertificateSelector): CertificateInfo {
  const hits = certs.filter((c) =>
    by.ref !== undefined ? c.keyRef === by.ref : by.label !== undefined ? c.label === by.label : c.fid === by.fid || c.cdFid === by.fid,
  );
  const what =
    by.ref !== undefined ? `of key ${by.ref}` : by.label !== undefined ? `labelled ${JSON.stringify(by.label)}` : `in ${hex4(by.fid ?? 0)}`;
  if (hits.length === 0) throw new InvalidArgumentError(`no X.509 certificate ${what}`, 'schsm certs list shows them');
  if (hits.length > 1) throw new InvalidArgumentError(`${hits.length} certificates are ${what}`, 'name one by its file (--fid)');
  return hits[0] as CertificateInfo;
}

/** The lowest xx with CAxx and C8xx both free (from 00, as OpenSC counts). */
export function freeCaCertificateId(objects: readonly number[]): number {
  for (let id = 0; id <= 255; id++)
    if (!objects.includes(fid(FID_PREFIX.CA_CERTIFICATE, id)) && !objects.includes(fid(FID_PREFIX.CD, id))) return id;
  throw new InvalidArgumentError('all 256 CA certificate ids are in use', 'delete CA certificates first');
}

/** Write an end-entity certificate into CExx of key `ref` (replacing what is there). Needs the user PIN. */
export async function writeEndEntityCertificate(card: CardSession, ref: number, der: Uint8Array): Promise<number> {
  const f = fid(FID_PREFIX.EE_CERTIFICATE, ref);
  await replaceFile(card, f, der, { allowKeyFile: true });
  return f;
}

/** Write a CA certificate (CAxx, then its description C8xx); `replace` reuses that one's id. Needs the user PIN. */
export async function writeCaCertificate(
  card: CardSession,
  input: CaCertificateInput,
  replace?: CertificateInfo,
): Promise<CertificateInfo> {
  const id = replace?.kind === 'ca' ? replace.fid & 0xff : freeCaCertificateId(await enumerateObjects(card));
  const f = fid(FID_PREFIX.CA_CERTIFICATE, id);
  const cd = encodeCd({ label: input.label, id: input.id, path: f });
  await replaceFile(card, f, input.der, { allowKeyFile: true });
  await replaceFile(card, fid(FID_PREFIX.CD, id), cd, { allowKeyFile: true });
  return {
    kind: 'ca',
    fid: f,
    keyRef: undefined,
    keyPresent: false,
    cdFid: fid(FID_PREFIX.CD, id),
    label: input.label,
    id: input.id,
    der: input.der,
    x509: decode(input.der),
  };
}

/** Delete a certificate: CExx, or CAxx and its C8xx. Needs the user PIN. Returns the FIDs deleted. */
export async function deleteCertificate(card: CardSession, c: CertificateInfo): Promise<number[]> {
  const gone: number[] = [];
  for (const f of [c.fid, c.cdFid]) if (f !== undefined && (await deleteIfExists(card, f))) gone.push(f);
  return gone;
}
