import { concat } from '../../apdu/hex.ts';
import { ALGO, CLA, INS } from '../constants.ts';
import type { CardSession } from '../session.ts';

/**
 * DERIVE EC KEY `80 76 <srcKeyRef> <dstKeyRef> Lc 98 ‖ <param>` (§3.16, sc-hsm-embedded
 * CKM_SC_HSM_EC_DERIVE): creates EC key `dstKeyRef` derived from `srcKeyRef` with the derivation
 * parameter. No response data. The card's exact arithmetic is unconfirmed (pico adds param to d).
 */
export async function deriveEcKey(card: CardSession, srcKeyRef: number, dstKeyRef: number, param: Uint8Array): Promise<void> {
  const cmd = {
    cla: CLA.PROPRIETARY,
    ins: INS.DERIVE_EC_KEY,
    p1: srcKeyRef,
    p2: dstKeyRef,
    data: concat(Uint8Array.of(ALGO.EC_DERIVE), param),
  };
  await card.send(cmd, { operation: `DERIVE EC KEY ${srcKeyRef} → ${dstKeyRef}`, keyRef: srcKeyRef });
}
