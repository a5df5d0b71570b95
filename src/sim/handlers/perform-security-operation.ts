import { SW } from '../../apdu/status-words.ts';
import { decodeTlv } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { readCvcContent, trustedKeyOf, verifyTa } from '../cvc-read.ts';
import { pkaSession, verificationKey } from '../pka.ts';
import type { InsHandler } from '../types.ts';

/**
 * PERFORM SECURITY OPERATION: VERIFY CERTIFICATE — `00 2A 00 BE Lc <content of 7F21>` (§3.20).
 * The certificate's CAR must be the key selected with MSE SET DST (none selected → 6A88) and its
 * signature must verify with it; then the card knows the certificate's public key under its CHR for
 * the rest of the session (a later MSE SET DST with that CHR answers 9000). An EC key without domain
 * parameters inherits the signer's curve, as real device certificates do (§10).
 * Wrong CAR or bad signature → 6985 (pico answers the same for a bad signature); malformed → 6A80;
 * no data → 6700; P1P2 other than 00BE → 6A86. The whole 7F21 TLV is accepted too (pico does).
 */
export const performSecurityOperation: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x00 || cmd.p2 !== 0xbe) throw new CardStatus(SW.INCORRECT_P1P2);
  if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const session = pkaSession(ctx);
  const signer = session.verifyKey === undefined ? undefined : verificationKey(ctx, session.verifyKey);
  if (signer === undefined) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND, 'no verification key selected');
  const cert = readCvcContent(wholeTlv(cmd.data) ? decodeTlv(cmd.data).value : cmd.data);
  if (cert.car !== signer.chr) throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'certificate not issued by the selected key');
  if (!verifyTa(signer, cert.body, cert.signature)) throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'bad certificate signature');
  session.trusted.set(cert.chr, trustedKeyOf(cert.chr, cert.publicKey, signer.curve));
  return { sw: SW.OK };
};

function wholeTlv(data: Uint8Array): boolean {
  if (data[0] !== 0x7f || data[1] !== 0x21) return false;
  try {
    decodeTlv(data);
    return true;
  } catch {
    return false;
  }
}
