import { concat } from '../../apdu/hex.ts';
import { ALGO, CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/**
 * DERIVE EC KEY `80 76 <srcKeyRef> <dstKeyRef> Lc 98 ‖ <param>` (case 3, no Le: §3.16, as CardContact's
 * sc-hsm-embedded sends it for CKM_SC_HSM_EC_DERIVE). Creates EC key `dstKeyRef` on the source's
 * curve; the card answers no data and writes no EF (the PRKD and any certificate are the host's, see
 * derive-key.ts). The card's arithmetic is not in any public CardContact source; the additive scheme
 * d' = d + param (mod n) is what derive-key.ts checks the result against.
 */
export async function deriveEcKey(card: CardSession, srcKeyRef: number, dstKeyRef: number, param: Uint8Array): Promise<void> {
  for (const [what, ref] of [
    ['source', srcKeyRef],
    ['new', dstKeyRef],
  ] as const)
    if (!Number.isInteger(ref) || ref < 1 || ref > 255) throw new InvalidArgumentError(`${what} key reference must be 1..255, got ${ref}`);
  if (param.length === 0) throw new InvalidArgumentError('the derivation parameter is empty');
  const cmd = {
    cla: CLA.PROPRIETARY,
    ins: INS.DERIVE_EC_KEY,
    p1: srcKeyRef,
    p2: dstKeyRef,
    data: concat(Uint8Array.of(ALGO.EC_DERIVE), param),
  };
  await card.send(cmd, { operation: `DERIVE EC KEY ${srcKeyRef} → ${dstKeyRef}`, keyRef: srcKeyRef });
}
