import { bytesEqual } from '../../apdu/hex.ts';
import { SW } from '../../apdu/status-words.ts';
import { decodeTlvs } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { CA_PROTOCOL } from '../constants.ts';
import type { InsHandler } from '../types.ts';

/**
 * MANAGE SECURITY ENVIRONMENT — `00 22 P1 P2 Lc data` (§3.20, §3.21).
 * - `41 A4` SET AT for chip authentication: data `80 L <protocol OID>`; only
 *   id-CA-ECDH-AES-CBC-CMAC-128 is offered (OpenSC hard-codes it for the SmartCard-HSM; the 3DES
 *   variant of old JCOP cards is not simulated) → 9000, the next GENERAL AUTHENTICATE uses it.
 *   Another OID → 6A80; no 80 → 6A80. An optional `84` private key reference must be 00 (PrK.DevAut).
 * - `81 B6` / `81 A4` (public key authentication, §3.20) are not simulated → 6A86, like any other P1P2.
 */
export const manageSecurityEnvironment: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x41 || cmd.p2 !== 0xa4) throw new CardStatus(SW.INCORRECT_P1P2, 'only SET AT for chip authentication is simulated');
  let objects: ReturnType<typeof decodeTlvs>;
  try {
    objects = decodeTlvs(cmd.data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'MSE data is not BER-TLV');
  }
  const mechanism = objects.find((o) => o.tag === 0x80)?.value;
  if (mechanism === undefined || !bytesEqual(mechanism, CA_PROTOCOL.AES_CMAC_128))
    throw new CardStatus(SW.INCORRECT_DATA, 'unsupported protocol');
  const keyRef = objects.find((o) => o.tag === 0x84)?.value;
  if (keyRef !== undefined && !(keyRef.length === 1 && keyRef[0] === 0)) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
  ctx.session.caSelected = true;
  return { sw: SW.OK };
};
