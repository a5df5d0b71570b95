import { SW } from '../../apdu/status-words.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import type { CardSession } from '../session.ts';

/** Control reference templates used with the SmartCard-HSM (§3.20): B6 digital signature (verify certificate), A4 authentication. */
export const MSE_TEMPLATE = { DST: 0xb6, AT: 0xa4 } as const;

/**
 * MANAGE SECURITY ENVIRONMENT SET `00 22 81 <B6|A4> Lc 83 L <CHR>` (§3.20): select the public key with
 * this holder reference for PSO VERIFY CERTIFICATE (B6) or EXTERNAL AUTHENTICATE (A4). Returns false
 * when the card does not know the key (6A88), true when it does.
 */
export async function manageSecurityEnvironment(card: CardSession, template: number, chr: string): Promise<boolean> {
  const data = encodeTlv(0x83, new TextEncoder().encode(chr));
  const cmd = { cla: CLA.ISO, ins: INS.MANAGE_SECURITY_ENVIRONMENT, p1: 0x81, p2: template, data };
  const res = await card.send(cmd, { operation: `MANAGE SECURITY ENVIRONMENT for ${chr}`, accept: [SW.REFERENCED_DATA_NOT_FOUND] });
  return res.sw !== SW.REFERENCED_DATA_NOT_FOUND;
}
