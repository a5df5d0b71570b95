import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { PREFIX } from '../constants.ts';
import type { InsHandler } from '../types.ts';

/**
 * ENUMERATE OBJECTS — `80 58 00 00 00 00 00` (2E) or `80 58 00 00 00` (2S) (§3.5). Answer: the
 * 2-byte identifiers of every object, no TLV: the device key CC00, the other keys CCxx in
 * ascending order, then every EF in ascending FID order (2F02, C4xx, CExx, CAxx, C8xx, …). §13:
 * the real card lists all objects (sc-hsm-embedded expects CAxx entries), unlike pico which lists
 * only C4/CC/C8/C9; hosts dispatch on the prefix byte and skip the others. No PIN needed.
 * P1P2 ≠ 0000 → 6A86.
 */
export const enumerateObjects: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  const keys = [...ctx.state.keys.keys()].sort((a, b) => a - b);
  const files = [...ctx.state.files.keys()].sort((a, b) => a - b);
  const out = new Uint8Array(2 * (1 + keys.length + files.length));
  let i = 0;
  out[i++] = PREFIX.KEY;
  out[i++] = 0x00;
  for (const id of keys) {
    out[i++] = PREFIX.KEY;
    out[i++] = id;
  }
  for (const fid of files) {
    out[i++] = fid >> 8;
    out[i++] = fid & 0xff;
  }
  return { data: out, sw: SW.OK };
};
