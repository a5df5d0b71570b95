import { SW } from '../../apdu/status-words.ts';
import { isDeviceIdentity, isKeyFid, requireUserPin, targetFid } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import type { InsHandler } from '../types.ts';

/**
 * DELETE FILE — `00 E4 02 00 02 FIDhi FIDlo` (§3.4). P1 02 (hosts) or 00, P2 00, else 6A86. Data =
 * FID of a key (CCxx) or an EF; no data = the current EF (6986 if none); other lengths → 6A87.
 * Needs the user PIN (6982). The device key CC00 and EF 2F02 cannot be deleted → 6982; absent →
 * 6A82. Deleting a key leaves its C4xx/CExx in place (hosts delete them separately, §3.4).
 */
export const deleteFile: InsHandler = (cmd, ctx) => {
  if ((cmd.p1 !== 0x02 && cmd.p1 !== 0x00) || cmd.p2 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const { data } = cmd;
  if (data.length !== 0 && data.length !== 2) throw new CardStatus(SW.LC_INCONSISTENT_WITH_P1P2);
  const fid = data.length === 2 ? ((data[0] ?? 0) << 8) | (data[1] ?? 0) : targetFid(0, 0, ctx);
  if (isDeviceIdentity(fid)) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED, 'device identity cannot be deleted');
  requireUserPin(ctx);
  const deleted = isKeyFid(fid) ? ctx.state.keys.delete(fid & 0xff) : ctx.state.files.delete(fid);
  if (!deleted) throw new CardStatus(SW.FILE_NOT_FOUND);
  if (ctx.session.currentEf === fid) ctx.session.currentEf = undefined;
  return { sw: SW.OK };
};
