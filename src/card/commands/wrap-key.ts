import { ALGO, CLA, INS } from '../constants.ts';
import type { CardSession } from '../session.ts';

/**
 * WRAP KEY `80 72 <keyRef> 92 00 00 00` (case 2E, Le 0000 as the card requires, §1.3, §3.17, §11.1) →
 * the key blob of §9.1 (KCV ‖ type ‖ … ‖ AES-CBC ciphertext ‖ CMAC). Needs the user PIN and a complete
 * DKEK (DkekError 'no-dkek' otherwise); a key not generated as exportable is DkekError 'not-exportable'.
 */
export async function wrapKey(card: CardSession, keyRef: number): Promise<Uint8Array> {
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.WRAP_KEY, p1: keyRef, p2: ALGO.WRAP, ne: 0x10000, form: 'extended' } as const;
  return (await card.send(cmd, { operation: `WRAP KEY ${keyRef}`, keyRef })).data;
}
