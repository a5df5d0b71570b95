/**
 * What `clone` copies besides keys (issue 12 item 5): CA certificates (CAxx + C8xx) and public data
 * objects (CFxx + C9xx), read from the source without a PIN and written to the target after its login,
 * each with its own description (label, ID, application) as on the source. Private data objects (CDxx)
 * are secrets readable only after the user PIN and are reported, not copied. An object already on the
 * target (same certificate; same label and content) is left alone; a different object with the same
 * label is a conflict, reported and not overwritten.
 */
import { listCertificates, writeCaCertificate, type CertificateInfo } from './certificates.ts';
import { listDataObjects, putDataObject, readDataObject, type DataObjectInfo } from './data-objects.ts';
import type { CardSession } from './session.ts';

export type ObjectAction = 'copy' | 'present' | 'conflict' | 'not-copied';

export interface PlannedObject {
  readonly kind: 'ca-certificate' | 'data-object';
  /** `"Federation root" (CA00)`. */
  readonly name: string;
  readonly action: ObjectAction;
  /** Why it is present, in conflict or not copied. */
  readonly reason: string | undefined;
  readonly cert?: CertificateInfo;
  readonly data?: { readonly info: DataObjectInfo; readonly content: Uint8Array };
}

const hex4 = (f: number): string => f.toString(16).toUpperCase().padStart(4, '0');
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function planCa(c: CertificateInfo, there: readonly CertificateInfo[]): PlannedObject {
  const name = `${JSON.stringify(c.label ?? c.x509?.subject ?? 'CA certificate')} (${hex4(c.fid)})`;
  const base = { kind: 'ca-certificate' as const, name, cert: c };
  if (c.cdFid === undefined || c.label === undefined || c.id === undefined)
    return { ...base, action: 'not-copied', reason: 'it has no C8xx description (invisible to PKCS#11)' };
  if (there.some((t) => t.kind === 'ca' && same(t.der, c.der))) return { ...base, action: 'present', reason: 'already on the target' };
  if (there.some((t) => t.kind === 'ca' && t.label === c.label))
    return { ...base, action: 'conflict', reason: 'the target has a different CA certificate with this label' };
  return { ...base, action: 'copy', reason: undefined };
}

async function planData(
  source: CardSession,
  o: DataObjectInfo,
  there: readonly DataObjectInfo[],
  target: CardSession,
): Promise<PlannedObject> {
  const name = `${JSON.stringify(o.label ?? 'data object')} (${hex4(o.fid)})`;
  const base = { kind: 'data-object' as const, name };
  if (o.private)
    return {
      ...base,
      action: 'not-copied',
      reason: 'private: its content is read only after the user PIN (data get / data put if you mean to copy it)',
    };
  if (o.label === undefined) return { ...base, action: 'not-copied', reason: 'it has no C9xx description (invisible to PKCS#11)' };
  const content = await readDataObject(source, o);
  const data = { info: o, content };
  const match = there.filter((t) => t.label === o.label);
  if (match.length === 0) return { ...base, data, action: 'copy', reason: undefined };
  for (const t of match)
    if (!t.private && same(await readDataObject(target, t), content))
      return { ...base, data, action: 'present', reason: 'already on the target' };
  return { ...base, data, action: 'conflict', reason: 'the target has a different data object with this label' };
}

/** Plan the copy from public reads of both cards (no PIN). */
export async function planObjectCopy(source: CardSession, target: CardSession): Promise<PlannedObject[]> {
  const out: PlannedObject[] = [];
  const targetCerts = await listCertificates(target);
  for (const c of (await listCertificates(source)).filter((x) => x.kind === 'ca')) out.push(planCa(c, targetCerts));
  const targetData = await listDataObjects(target);
  for (const o of await listDataObjects(source)) out.push(await planData(source, o, targetData, target));
  return out;
}

/** Write every planned 'copy' to the target (user PIN verified); returns each object with its result. */
export async function copyObjects(
  target: CardSession,
  plan: readonly PlannedObject[],
): Promise<{ object: PlannedObject; ok: boolean; result: string }[]> {
  const out: { object: PlannedObject; ok: boolean; result: string }[] = [];
  for (const p of plan) {
    if (p.action !== 'copy') {
      out.push({
        object: p,
        ok: p.action !== 'conflict',
        result: p.action === 'present' ? 'already on the target' : `not copied: ${p.reason ?? ''}`,
      });
      continue;
    }
    try {
      if (p.cert !== undefined) {
        const w = await writeCaCertificate(target, { der: p.cert.der, label: p.cert.label ?? '', id: p.cert.id ?? new Uint8Array(0) });
        out.push({ object: p, ok: true, result: `copied to ${hex4(w.fid)}` });
      } else if (p.data !== undefined) {
        const i = p.data.info;
        const w = await putDataObject(target, {
          data: p.data.content,
          label: i.label ?? '',
          applicationName: i.applicationName,
          applicationOid: i.applicationOid,
          private: false,
        });
        out.push({ object: p, ok: true, result: `copied to ${hex4(w.fid)}` });
      }
    } catch (err) {
      out.push({ object: p, ok: false, result: `not copied: ${(err as Error).message}` });
    }
  }
  return out;
}
