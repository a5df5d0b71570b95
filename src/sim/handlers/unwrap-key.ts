import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { FID } from '../constants.ts';
import type { InsHandler, KeyRecord } from '../types.ts';
import { requireUserPin } from '../crypto/key-access.ts';
import { dkekKcv } from '../crypto/dkek.ts';
import { decodeKeyBlob } from '../crypto/key-blob.ts';
import { decodeKeyMaterial, type RestoredKey } from '../crypto/key-components.ts';
import { domainsInUse } from '../key-domains.ts';
import type { SimState } from '../types.ts';

/**
 * UNWRAP KEY — `80 74 KeyId 93 [Lc blob]` (§3.18). The blob (§9.1) comes in the data field
 * (CardContact scripts, pypicohsm) or, when the command has no data, from EF 2F10 where OpenSC writes
 * it first. Types 5 and 6 (RSA), 12 (EC) and 15 (AES) are read; the new key gets the blob's
 * allowed-algorithm list (none when the list is empty) and the key domain whose KCV the blob carries
 * (§3.10: a blob unwraps only into the domain of its KCV; no match → 6A80). No response data.
 * Status words: 6982 PIN; 6A86 P2 ≠ 93 or key 0; 6D00 no domain with a complete DKEK; 6A82 no data
 * and no EF 2F10; 6A89 the key id is taken (choice: sc-hsm-tool deletes the key first with --force);
 * 6A80 for a KCV mismatch, a MAC failure or a malformed / inconsistent key (sc-hsm-tool: "Wrapped key
 * does not match DKEK").
 */

export const UNWRAP_P2 = 0x93;

function restore(blobKey: RestoredKey, allowed: Uint8Array): KeyRecord {
  return allowed.length > 0 ? { ...blobKey, algorithms: allowed } : { ...blobKey };
}

/** The complete key domain whose KCV the blob carries in its first 8 bytes (pico: KCV selects the domain). */
function domainOfBlob(state: SimState, blob: Uint8Array): { domain: number; kek: { value: Uint8Array } } | undefined {
  const kcv = blob.subarray(0, 8);
  return domainsInUse(state)
    .filter((d) => d.kek.outstanding === 0)
    .find((d) => dkekKcv(d.kek.value).every((b, i) => b === kcv[i]));
}

export const unwrapKey: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  if (cmd.p2 !== UNWRAP_P2 || cmd.p1 === 0) throw new CardStatus(SW.INCORRECT_P1P2, 'UNWRAP KEY needs key id 1..255 and P2 93');
  const complete = domainsInUse(ctx.state).filter((d) => d.kek.outstanding === 0);
  if (complete.length === 0) throw new CardStatus(SW.INS_NOT_SUPPORTED, 'no complete DKEK: card not initialized for key wrap');
  const blob = cmd.data.length > 0 ? cmd.data : ctx.state.files.get(FID.UNWRAP_SCRATCH);
  if (blob === undefined) throw new CardStatus(SW.FILE_NOT_FOUND, 'no blob in the command and no EF 2F10');
  if (ctx.state.keys.has(cmd.p1)) throw new CardStatus(SW.FILE_ALREADY_EXISTS, `key ${cmd.p1} exists`);
  const domain = domainOfBlob(ctx.state, blob);
  if (domain === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'the key check value matches no key domain');
  const decoded = decodeKeyBlob(domain.kek.value, blob);
  if (decoded.kind === 'error') throw new CardStatus(SW.INCORRECT_DATA, decoded.detail);
  let key: RestoredKey;
  try {
    key = decodeKeyMaterial(decoded.content);
  } catch (e) {
    throw new CardStatus(SW.INCORRECT_DATA, e instanceof Error ? e.message : 'key data invalid');
  }
  const restored = restore(key, decoded.content.allowedAlgorithms);
  ctx.state.keys.set(cmd.p1, domain.domain === 0 ? restored : { ...restored, domain: domain.domain });
  return { sw: SW.OK };
};
