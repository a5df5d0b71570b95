import { ALGO, CLA, FID, INS } from '../constants.ts';
import { FileNotFoundError } from '../errors.ts';
import type { CardSession } from '../session.ts';
import { deleteFile } from './delete-file.ts';
import { updateBinary } from './update-binary.ts';

export interface UnwrapKeyOptions {
  /**
   * `command`: blob in the data field, `80 74 <keyRef> 93 Lc <blob>` (CardContact, pypicohsm).
   * `ef`: blob written to EF 2F10 first, then case 1 `80 74 <keyRef> 93` (OpenSC sc_hsm_unwrap_key).
   * Default: `command` when the blob fits one APDU (session limit), else `ef`.
   */
  readonly via?: 'command' | 'ef';
}

/** Replace EF 2F10 with the blob (delete, then write; a stale longer blob must not remain). */
async function stageBlob(card: CardSession, blob: Uint8Array): Promise<void> {
  try {
    await deleteFile(card, FID.UNWRAP_STAGING);
  } catch (err) {
    if (!(err instanceof FileNotFoundError)) throw err;
  }
  await updateBinary(card, FID.UNWRAP_STAGING, blob);
}

/**
 * UNWRAP KEY (§3.18): import a key blob (§9.1) as key `keyRef`. Needs the user PIN and the DKEK the
 * blob was wrapped under; a mismatch comes back as DkekError 'kcv-mismatch' (6A80 class, §3.18).
 * The key's PKCS#15 description and certificate are the caller's business (keys.ts / wrapped-key files).
 */
export async function unwrapKey(card: CardSession, keyRef: number, blob: Uint8Array, options: UnwrapKeyOptions = {}): Promise<void> {
  const via = options.via ?? (blob.length <= card.limits.maxCommandData ? 'command' : 'ef');
  const head = { cla: CLA.PROPRIETARY, ins: INS.UNWRAP_KEY, p1: keyRef, p2: ALGO.UNWRAP } as const;
  if (via === 'ef') await stageBlob(card, blob);
  await card.send(via === 'ef' ? head : { ...head, data: blob }, { operation: `UNWRAP KEY into key ${keyRef}`, keyRef });
}
