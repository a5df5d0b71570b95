/**
 * Wrapped-key export and import as sc-hsm-tool does them (§9.2, `wrap_key` / `unwrap_key`):
 *   export: WRAP KEY `80 72 <ref> 92` → blob; read C4<ref> (PRKD) and CE<ref> (certificate / CV request)
 *   import: [with replace: DELETE the existing CC/C4/CE] → UNWRAP KEY → write C4<ref>, CE<ref> as-is
 * Both need the user PIN (verified by the caller) and a complete DKEK; the caller holds the card
 * exclusively around them. The PRKD is copied unchanged, like sc-hsm-tool (OpenSC takes the key
 * reference from the FID, §5.1, so a PRKD naming another reference still lists right).
 */
import { hex2 } from '../apdu/hex.ts';
import { FID_PREFIX } from './constants.ts';
import { deleteIfExists, readFileIfExists, replaceFile } from './files.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { keyReferences } from './keys.ts';
import { unwrapKey } from './commands/unwrap-key.ts';
import { wrapKey } from './commands/wrap-key.ts';
import type { WrappedKeyFile } from './formats/wrapped-key-file.ts';
import { DkekError } from './errors.ts';
import { KcvMismatchError, MacError } from './formats/errors.ts';
import { decodeKeyBlob } from './formats/key-blob.ts';
import { toHex } from '../apdu/hex.ts';
import { queryDkekStatus } from './commands/import-dkek-share.ts';
import type { CardSession } from './session.ts';
import { keyFid } from './key-ref.ts';

const fidOf = keyFid;

function checkRef(ref: number): void {
  if (!Number.isInteger(ref) || ref < 1 || ref > 255) throw new InvalidArgumentError(`key reference must be 1..255, got ${ref}`);
}

/** WRAP KEY plus the key's PRKD and certificate files (absent or empty files are left out). */
export async function exportWrappedKey(card: CardSession, ref: number): Promise<WrappedKeyFile> {
  checkRef(ref);
  const blob = await wrapKey(card, ref);
  const prkd = await readFileIfExists(card, fidOf(FID_PREFIX.PRKD, ref));
  const cert = await readFileIfExists(card, fidOf(FID_PREFIX.EE_CERTIFICATE, ref));
  const hasPrkd = prkd !== undefined && prkd.length > 0;
  return { blob, prkd: hasPrkd ? prkd : undefined, certificate: hasPrkd && cert !== undefined && cert.length > 0 ? cert : undefined };
}

/**
 * Which of CCxx / C4xx / CExx exist for `ref` (what an import would overwrite). `keyRefs`: the card's
 * key references when the caller already has them (checking many references: one ENUMERATE).
 */
export async function occupiedObjects(card: CardSession, ref: number, keyRefs?: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  if ((keyRefs ?? (await keyReferences(card))).includes(ref)) out.push(`key CC${hex2(ref)}`);
  if ((await readFileIfExists(card, fidOf(FID_PREFIX.PRKD, ref))) !== undefined) out.push(`PRKD C4${hex2(ref)}`);
  if ((await readFileIfExists(card, fidOf(FID_PREFIX.EE_CERTIFICATE, ref))) !== undefined) out.push(`certificate CE${hex2(ref)}`);
  return out;
}

export interface ImportWrappedKeyOptions {
  /** Delete an existing key/PRKD/certificate at `ref` first (sc-hsm-tool --force). Else they must not exist. */
  readonly replace?: boolean;
}

/** UNWRAP KEY into `ref`, then write the PRKD and certificate of the file (§3.18, §9.2). */
export async function importWrappedKey(
  card: CardSession,
  ref: number,
  file: WrappedKeyFile,
  options: ImportWrappedKeyOptions = {},
): Promise<void> {
  checkRef(ref);
  if (options.replace === true) {
    for (const prefix of [FID_PREFIX.KEY, FID_PREFIX.PRKD, FID_PREFIX.EE_CERTIFICATE]) await deleteIfExists(card, fidOf(prefix, ref));
  } else {
    const taken = await occupiedObjects(card, ref);
    if (taken.length > 0)
      throw new InvalidArgumentError(
        `key reference ${ref} is in use (${taken.join(', ')})`,
        'choose a free reference, or replace (deletes them first)',
      );
  }
  await unwrapDiagnosed(card, ref, file.blob);
  if (file.prkd !== undefined) await replaceFile(card, fidOf(FID_PREFIX.PRKD, ref), file.prkd, { allowKeyFile: true });
  if (file.certificate !== undefined)
    await replaceFile(card, fidOf(FID_PREFIX.EE_CERTIFICATE, ref), file.certificate, { allowKeyFile: true });
}

/**
 * UNWRAP KEY, and when the card refuses the blob (one status word for a foreign DKEK and for a bad MAC,
 * §3.18), tell the two apart by the KCVs (issue 11 item 11): the blob's KCV is this device's → the blob
 * is damaged (only its MAC can have failed), not a question of DKEK shares.
 */
async function unwrapDiagnosed(card: CardSession, ref: number, blob: Uint8Array): Promise<void> {
  try {
    await unwrapKey(card, ref, blob);
  } catch (err) {
    if (!(err instanceof DkekError) || err.reason !== 'kcv-mismatch') throw err;
    const status = await queryDkekStatus(card);
    const blobKcv = toHex(decodeKeyBlob(blob).kcv);
    if (status.kcvHidden) throw err;
    if (status.kcv !== blobKcv) throw new KcvMismatchError(blobKcv, status.kcv);
    throw new MacError(
      `the backup is damaged: its KCV ${blobKcv} is this device's DKEK, but the card refused the key blob (its MAC does not verify)`,
      'run `schsm backup verify FILE --share …` to check it offline, and restore from another copy; the DKEK shares are right',
    );
  }
}
