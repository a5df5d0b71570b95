import { concat } from '../../apdu/hex.ts';
import { SW } from '../../apdu/status-words.ts';
import { decodeTlv, encodeTlv, findTlv } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { CA_PROTOCOL } from '../constants.ts';
import { toBigInt } from '../crypto/bigint.ts';
import { ecPrivate } from '../crypto/key-access.ts';
import { decodePoint, multiplyPoint } from '../crypto/ec-math.ts';
import { deriveKey, mac8 } from '../sm/sm-crypto.ts';
import type { InsHandler } from '../types.ts';

/**
 * GENERAL AUTHENTICATE for chip authentication — `00 86 00 00 Lc 7C { 80 <PK_PCD> } 00` (§3.21,
 * BSI TR-03110 part 3 B.11.2) after MSE SET AT: ECDH of PrK.DevAut (key 0) with the host's ephemeral
 * point, a fresh 8-byte nonce r, K_enc/K_mac = KDF(x, r, 1/2), and the answer
 * `7C 14 { 81 08 r, 82 08 CMAC(K_mac, 7F49 { 06 OID, 86 PK_PCD })[0..8] }`. The new channel starts
 * with SSC 0 with the next protected command. No MSE before → 6985; P1P2 ≠ 0000 → 6A86; data not
 * `7C{80 point}` or a point off the curve → 6A80. No PIN needed: the host authenticates the card.
 */
export const generalAuthenticate: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  if (ctx.session.caSelected !== true) throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'no MSE SET AT before');
  let point: Uint8Array | undefined;
  try {
    point = findTlv([decodeTlv(cmd.data)], 0x7c, 0x80)?.value;
  } catch {
    point = undefined;
  }
  const { curve, d } = ecPrivate(ctx.state.deviceKey);
  const peer = point === undefined ? undefined : decodePoint(curve, point);
  if (point === undefined || peer === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'no ephemeral point on the device curve');
  const shared = multiplyPoint(curve, toBigInt(d), peer);
  if (shared === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'degenerate shared point');
  const x = shared.subarray(1, 1 + curve.fieldBytes);
  const nonce = ctx.random(8);
  const kEnc = deriveKey(x, nonce, 1);
  const kMac = deriveKey(x, nonce, 2);
  const publicKeyObject = encodeTlv(0x7f49, [encodeTlv(0x06, CA_PROTOCOL.AES_CMAC_128), encodeTlv(0x86, point)]);
  const token = mac8(kMac, publicKeyObject);
  ctx.session.caSelected = false;
  ctx.session.sm = { kEnc, kMac, ssc: 0n };
  return { data: encodeTlv(0x7c, concat(encodeTlv(0x81, nonce), encodeTlv(0x82, token))), sw: SW.OK };
};
