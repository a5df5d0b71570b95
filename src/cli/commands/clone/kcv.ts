/**
 * The DKEK key check values clone compares, read liberally: a CardContact card answers the DKEK query
 * with the KCV; the independent Pico HSM implementation answers 8 zero bytes until the
 * user PIN is verified (DkekStatus.kcvHidden). Then the KCV is taken after the login clone does anyway,
 * or from the wrapped keys themselves (a key blob starts with the KCV of the DKEK it was wrapped
 * with, §9.1). A KCV that stays unknown is never guessed: clone refuses.
 */
import { toHex } from '../../../apdu/hex.ts';
import { queryDkekStatus, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import type { WrappedKeyFile } from '../../../card/formats/wrapped-key-file.ts';
import { decodeKeyBlob } from '../../../card/formats/key-blob.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { RefusedError } from '../../exit-codes.ts';

/** Where a KCV came from: the DKEK query, the query after VERIFY, or the wrapped key blobs. */
export type KcvSource = 'query' | 'after-login' | 'key-blob';

export interface KnownKcv {
  readonly kcv: string;
  readonly from: KcvSource;
}

/** The KCV of a DKEK query answer, undefined while the card hides it. */
export function shownKcv(d: DkekStatus): KnownKcv | undefined {
  return d.kcvHidden ? undefined : { kcv: d.kcv, from: 'query' };
}

/** Ask again after VERIFY (call inside the logged-in exclusive section). */
export async function kcvAfterLogin(card: SmartCardHsm, before: KnownKcv | undefined): Promise<KnownKcv | undefined> {
  if (before !== undefined) return before;
  const d = await queryDkekStatus(card);
  return d.kcvHidden ? undefined : { kcv: d.kcv, from: 'after-login' };
}

/** The KCV the blobs carry (their first 8 bytes); refuses when two blobs disagree. */
export function kcvOfBlobs(files: readonly WrappedKeyFile[]): KnownKcv | undefined {
  const kcvs = [...new Set(files.map((f) => toHex(decodeKeyBlob(f.blob).kcv)))];
  if (kcvs.length > 1)
    throw new RefusedError(
      `the source's wrapped keys carry different DKEK KCVs (${kcvs.join(', ')})`,
      'the source device does not wrap with one DKEK; nothing was imported',
    );
  const [kcv] = kcvs;
  return kcv === undefined ? undefined : { kcv, from: 'key-blob' };
}

/** Refuse (nothing changed) unless both KCVs are known and equal. */
export function requireSameKcv(source: KnownKcv | undefined, target: KnownKcv | undefined): string {
  if (target === undefined || source === undefined) {
    const which = source === undefined ? 'source' : 'target';
    throw new RefusedError(
      `the ${which} device does not show its DKEK key check value, not even after the user PIN was verified`,
      'schsm does not copy keys to a device whose DKEK it cannot compare; nothing was changed',
    );
  }
  if (source.kcv !== target.kcv)
    throw new RefusedError(
      `the DKEKs differ: source KCV ${source.kcv}, target KCV ${target.kcv}`,
      'keys wrapped on the source cannot be unwrapped on the target; import the same DKEK shares into both; nothing was changed',
    );
  return source.kcv;
}

/** " (source: after login; target: query)" for KCVs not both read from the plain query. */
export function kcvOrigin(source: KnownKcv, target: KnownKcv): string {
  if (source.from === 'query' && target.from === 'query') return '';
  const words: Readonly<Record<KcvSource, string>> = {
    query: 'shown by the card',
    'after-login': 'shown after the user PIN was verified',
    'key-blob': 'read from the wrapped keys',
  };
  return ` (source: ${words[source.from]}; target: ${words[target.from]})`;
}
