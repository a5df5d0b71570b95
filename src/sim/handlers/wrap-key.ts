import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { usableDomainKek } from '../key-domains.ts';
import type { InsHandler } from '../types.ts';
import { requireUserPin } from '../crypto/key-access.ts';
import { encodeKeyBlob } from '../crypto/key-blob.ts';
import { encodeKeyMaterial } from '../crypto/key-components.ts';

/**
 * WRAP KEY — `80 72 KeyId 92 00 00 00` (§3.17): answer = the key blob of §9.1 under the DKEK
 * of the key's domain (§3.10; domain 0 when the key has none).
 * RSA keys go out in CRT form (type 6), EC keys as type 12 with full-length components, AES as 15.
 * The blob carries the key's allowed-algorithm list (empty when unrestricted).
 * Status words (choices, §13):
 * - 6982 user PIN not verified; 6A86 P2 ≠ 92 or key 0; 6A82 no such key.
 * - 6D00 when domain 0 has no usable DKEK (initialized without tag 92, or shares still outstanding):
 *   sc-hsm-tool reads 6D00 as "Card not initialized for key wrap", the only answer a host handles
 *   specially (pico says 6A88); 6A88 when the key's domain ≠ 0 is not in use or incomplete.
 * - 6985 when the key may not leave the card: it has an explicit allowed-algorithm list without the
 *   WRAP id `92` (pico's rule; keys without a list — everything OpenSC generates — are exportable).
 */

export const WRAP_P2 = 0x92;
const EMPTY = new Uint8Array(0);

export const wrapKey: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  if (cmd.p2 !== WRAP_P2 || cmd.p1 === 0) throw new CardStatus(SW.INCORRECT_P1P2, 'WRAP KEY needs key id 1..255 and P2 92');
  const key = ctx.state.keys.get(cmd.p1);
  if (key === undefined) throw new CardStatus(SW.FILE_NOT_FOUND, `no key ${cmd.p1}`);
  const dkek = usableDomainKek(ctx.state, key.domain);
  if (key.algorithms !== undefined && key.algorithms.length > 0 && !key.algorithms.includes(WRAP_P2)) {
    throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, `key ${cmd.p1} is not exportable`);
  }
  const material = encodeKeyMaterial(key);
  const blob = encodeKeyBlob(
    dkek,
    {
      type: material.type,
      defaultAlgorithm: material.defaultAlgorithm,
      allowedAlgorithms: key.algorithms ?? EMPTY,
      accessConditions: EMPTY,
      keyOid: EMPTY,
      keyData: material.keyData,
    },
    ctx.random(8),
  );
  return { data: blob, sw: SW.OK };
};
