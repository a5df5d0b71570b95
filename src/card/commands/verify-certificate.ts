import { decodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/**
 * PSO VERIFY CERTIFICATE `00 2A 00 BE Lc <content of 7F21>` (§3.20): the card checks the CV certificate
 * with the key selected by MSE (its CAR) and learns its public key. `cvc` is the whole 7F21 TLV.
 */
export async function verifyCertificate(card: CardSession, cvc: Uint8Array): Promise<void> {
  const tlv = decodeTlv(cvc);
  if (tlv.tag !== 0x7f21) throw new InvalidArgumentError('PSO VERIFY CERTIFICATE needs a CV certificate (tag 7F21)');
  const cmd = { cla: CLA.ISO, ins: INS.PERFORM_SECURITY_OPERATION, p1: 0x00, p2: 0xbe, data: tlv.value.slice() };
  await card.send(cmd, { operation: 'PSO VERIFY CERTIFICATE' });
}
