import { encodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import type { CardSession } from '../session.ts';

/**
 * MANAGE SECURITY ENVIRONMENT: SET AT for chip authentication, `00 22 41 A4 Lc 80 L <protocol OID>`
 * (BSI TR-03110 part 3 B.11.1; OpenSC `sm-eac.c` `eac_mse_set_at_ca` sends only the mechanism
 * reference 80, no key reference: the SmartCard-HSM has one chip authentication key, PrK.DevAut).
 */
export async function setChipAuthenticationProtocol(card: CardSession, protocolOid: Uint8Array): Promise<void> {
  const cmd = { cla: CLA.ISO, ins: INS.MANAGE_SECURITY_ENVIRONMENT, p1: 0x41, p2: 0xa4, data: encodeTlv(0x80, protocolOid) };
  await card.send(cmd, { operation: 'MANAGE SECURITY ENVIRONMENT SET AT (chip authentication)' });
}
