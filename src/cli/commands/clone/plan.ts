/**
 * The clone plan, made from public data only (no PIN spent): both DKEKs complete and equal (when both
 * cards show their KCV; a card that hides it until login is compared after login, kcv.ts), and for
 * every source key what is at the same reference on the target (nothing / the same key / a conflict).
 */
import { queryDkekStatus, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { occupiedObjects } from '../../../card/key-backup.ts';
import { describeKey, keyReferences, listKeys, type KeyInfo } from '../../../card/keys.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { CardError } from '../../../card/errors.ts';
import { type KeyDomainInfo, listKeyDomains } from '../../../card/key-domains.ts';
import { RefusedError } from '../../exit-codes.ts';
import { requireSameKcv, shownKcv, type KnownKcv } from './kcv.ts';

export type PlanAction = 'copy' | 'present' | 'conflict';

export interface PlannedKey {
  readonly key: KeyInfo;
  readonly fingerprint: string | undefined;
  readonly action: PlanAction;
  /** What occupies the target reference (for 'conflict'). */
  readonly occupied: readonly string[];
}

/** One key domain both devices hold with the same KCV (§3.10). */
export interface DomainPair {
  readonly domain: number;
  readonly kcv: string;
}

export interface ClonePlan {
  /**
   * Key-domain mode: the source uses key domains other than 0 (INITIALIZE tag 97). Then every source
   * domain in use must be on the target under the same number with the same KCV (compared per domain),
   * and each key goes into the target domain whose KCV its blob carries. Undefined: the classic single DKEK.
   */
  readonly domains?: readonly DomainPair[] | undefined;
  /** The common DKEK KCV; undefined while a device hides its KCV (compared after login). */
  readonly kcv: string | undefined;
  /** What each DKEK query showed (undefined: hidden until login). */
  readonly sourceKcv: KnownKcv | undefined;
  readonly targetKcv: KnownKcv | undefined;
  readonly keys: readonly PlannedKey[];
}

async function dkekOf(card: SmartCardHsm, which: string): Promise<DkekStatus> {
  try {
    const d = await queryDkekStatus(card);
    if (d.outstanding > 0)
      throw new RefusedError(
        `the ${which} device's DKEK is incomplete (${d.outstanding} share(s) missing)`,
        'import all DKEK shares into both devices first; nothing was changed',
      );
    return d;
  } catch (err) {
    if (err instanceof CardError)
      throw new RefusedError(
        `the ${which} device has no DKEK (${err.message})`,
        'both devices need the same DKEK: initialise with --dkek-shares and import the same shares; nothing was changed',
      );
    throw err;
  }
}

const fp = (k: KeyInfo | undefined): string | undefined => (k?.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(k.publicKey)));

async function planKey(target: SmartCardHsm, key: KeyInfo, targetRefs: readonly number[]): Promise<PlannedKey> {
  const occupied = await occupiedObjects(target, key.ref, targetRefs);
  const fingerprint = fp(key);
  if (occupied.length === 0) return { key, fingerprint, action: 'copy', occupied };
  const there = await describeKey(target, key.ref);
  const same = fingerprint !== undefined && fp(there) === fingerprint;
  return { key, fingerprint, action: same ? 'present' : 'conflict', occupied };
}

/** A complete, shown KCV of a domain in use, or a refusal naming the device and the domain. */
function domainKcv(d: KeyDomainInfo | undefined, domain: number, which: string): string {
  if (d === undefined || d.state === 'free')
    throw new RefusedError(
      `the ${which} device has no key domain ${domain}`,
      `create it with \`schsm domain create --domain ${domain}\` and import the source's shares for it; nothing was changed`,
    );
  if (d.status.outstanding > 0)
    throw new RefusedError(
      `the ${which} device's key domain ${domain} is incomplete (${d.status.outstanding} share(s) missing)`,
      'import all its DKEK shares first; nothing was changed',
    );
  if (d.status.kcvHidden)
    throw new RefusedError(
      `the ${which} device does not show the KCV of key domain ${domain}`,
      'schsm does not clone key domains it cannot compare; nothing was changed',
    );
  return d.status.kcv;
}

/**
 * Key-domain mode (the source has a domain other than 0 in use): every domain in use on the source
 * must exist on the target with the same KCV, domain by domain. Undefined for a single-DKEK source.
 */
async function pairDomains(source: SmartCardHsm, target: SmartCardHsm): Promise<DomainPair[] | undefined> {
  const used = (await listKeyDomains(source)).filter((d) => d.state !== 'free');
  if (!used.some((d) => d.domain !== 0)) return undefined;
  const there = await listKeyDomains(target);
  return used.map((d) => {
    const kcv = domainKcv(d, d.domain, 'source');
    const other = domainKcv(
      there.find((x) => x.domain === d.domain),
      d.domain,
      'target',
    );
    if (kcv !== other)
      throw new RefusedError(
        `key domain ${d.domain}: the DKEKs differ (source KCV ${kcv}, target KCV ${other})`,
        `import the same shares into key domain ${d.domain} of both devices; nothing was changed`,
      );
    return { domain: d.domain, kcv };
  });
}

/** Check the DKEKs (refuse when both are shown and differ; per key domain when the source uses them) and plan every key. Sends no PIN. */
export async function makePlan(source: SmartCardHsm, target: SmartCardHsm): Promise<ClonePlan> {
  const domains = await pairDomains(source, target);
  const sourceKcv = domains === undefined ? shownKcv(await dkekOf(source, 'source')) : undefined;
  const targetKcv = domains === undefined ? shownKcv(await dkekOf(target, 'target')) : undefined;
  const kcv = sourceKcv === undefined || targetKcv === undefined ? undefined : requireSameKcv(sourceKcv, targetKcv);
  const keys: PlannedKey[] = [];
  const sourceKeys = await listKeys(source);
  const targetRefs = sourceKeys.length === 0 ? [] : await keyReferences(target);
  for (const key of sourceKeys) keys.push(await planKey(target, key, targetRefs));
  const conflicts = keys.filter((k) => k.action === 'conflict');
  if (conflicts.length > 0) {
    const list = conflicts.map((k) => `${k.key.ref} (${k.occupied.join(', ')})`).join('; ');
    throw new RefusedError(
      `the target already holds different objects at key reference(s) ${list}`,
      'delete them on the target or clone onto a freshly initialised device; nothing was changed',
    );
  }
  return { kcv, sourceKcv, targetKcv, keys, ...(domains === undefined ? {} : { domains }) };
}
