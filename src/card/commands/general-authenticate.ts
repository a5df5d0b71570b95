import { decodeTlv, findTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import { MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

export interface ChipAuthenticationAnswer {
  /** r_PICC, the card's nonce for the key derivation (8 bytes). */
  readonly nonce: Uint8Array;
  /** T_PICC, the card's authentication token over our ephemeral public key (8 bytes). */
  readonly token: Uint8Array;
}

/**
 * GENERAL AUTHENTICATE for chip authentication, `00 86 00 00 Lc 7C L { 80 L <ephemeral public point> } 00`
 * → `7C L { 81 08 nonce, 82 08 token }` (BSI TR-03110 part 3 B.11.2; OpenSC `sm-eac.c`
 * `eac_gen_auth_ca`). Le is exactly 00, as the SmartCard-HSM manual requires for INS 86 (§1.3).
 */
export async function generalAuthenticate(card: CardSession, ephemeralPoint: Uint8Array): Promise<ChipAuthenticationAnswer> {
  const operation = 'GENERAL AUTHENTICATE (chip authentication)';
  if (ephemeralPoint.length > 0x7d) throw new RangeError('ephemeral public point too long for a short GENERAL AUTHENTICATE');
  const data = Uint8Array.of(0x7c, ephemeralPoint.length + 2, 0x80, ephemeralPoint.length, ...ephemeralPoint);
  const res = await card.send({ cla: CLA.ISO, ins: INS.GENERAL_AUTHENTICATE, p1: 0, p2: 0, data, ne: 256, form: 'short' }, { operation });
  let outer: ReturnType<typeof decodeTlv>;
  try {
    outer = decodeTlv(res.data);
  } catch {
    throw new MalformedResponseError(operation, 'the answer is not a 7C template');
  }
  const nonce = findTlv([outer], 0x7c, 0x81)?.value;
  const token = findTlv([outer], 0x7c, 0x82)?.value;
  if (outer.tag !== 0x7c || nonce === undefined || token === undefined)
    throw new MalformedResponseError(operation, 'expected 7C { 81 nonce, 82 authentication token }');
  return { nonce: nonce.slice(), token: token.slice() };
}
