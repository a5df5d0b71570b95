import { CLA, INS, PIN_REF } from '../constants.ts';
import { MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/**
 * GENERATE SESSION PIN `80 5A 01 81 00` (case 2, Le exactly 00): the card returns a fresh random
 * session PIN for the user PIN, usable in place of the user PIN until the card is reset (OpenSC
 * `card-sc-hsm.c` `sc_hsm_pin_cmd`, SC_PIN_CMD_GET_SESSION_PIN). OpenSC sends it only inside a secure
 * channel, after a VERIFY of the user PIN in the same channel; schsm does the same (the session PIN
 * would otherwise cross the reader in clear). The result is a secret: never print or log it.
 */
export async function generateSessionPin(card: CardSession): Promise<Uint8Array> {
  const operation = 'GENERATE SESSION PIN';
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.GENERATE_SESSION_PIN, p1: 0x01, p2: PIN_REF.USER, ne: 256, form: 'short' } as const;
  const res = await card.send(cmd, { operation });
  if (res.data.length === 0) throw new MalformedResponseError(operation, 'the card returned no session PIN');
  return res.data.slice();
}
