import { bytesEqual } from '../../apdu/hex.ts';
import { SW } from '../../apdu/status-words.ts';
import { isKeyFid, objectExists } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { SC_HSM_AID } from '../constants.ts';
import { appletFcp, efFci, FILE_DESCRIPTOR } from '../fci.ts';
import { clearSession } from '../session.ts';
import type { InsHandler, SimContext, SimReply } from '../types.ts';

/**
 * SELECT — `00 A4 P1 P2 Lc data [Le]` (§3.1, §2.3, §2.4).
 * - P1 04: by DF name. The SmartCard-HSM AID selects the applet, resets the session (logs the user
 *   and SO out) and answers the FCP with tag 85; any other AID → 6A82 and the session is kept
 *   (JCRE: a failed SELECT leaves the current applet selected).
 * - P1 00: by FID (2 bytes); P1 08/09: by path of one FID below the MF/current DF. The EF becomes
 *   the current EF; answer = FCI `6F … 80 size …` so that sc-hsm-tool can size its buffers (§12.2).
 *   The simulated file system is flat, so longer paths (e.g. 5015/4946) → 6A82.
 * - P2 00 (FCI) and 04 (FCP) return the template, 0C returns no data (supported by applet ≥ 0.16,
 *   §3.1); any other P2 → 6A86. Lc inconsistent with P1 → 6A87.
 */
export const select: InsHandler = (cmd, ctx) => {
  const { p1, p2, data } = cmd;
  if (p2 !== 0x00 && p2 !== 0x04 && p2 !== 0x0c) throw new CardStatus(SW.INCORRECT_P1P2);
  let reply: SimReply;
  if (p1 === 0x04) reply = selectApplet(data, ctx);
  else if (p1 === 0x00) {
    if (data.length !== 2) throw new CardStatus(SW.LC_INCONSISTENT_WITH_P1P2);
    reply = selectEf(((data[0] ?? 0) << 8) | (data[1] ?? 0), ctx);
  } else if (p1 === 0x08 || p1 === 0x09) {
    if (data.length === 0 || data.length % 2 !== 0) throw new CardStatus(SW.LC_INCONSISTENT_WITH_P1P2);
    if (data.length !== 2) throw new CardStatus(SW.FILE_NOT_FOUND);
    reply = selectEf(((data[0] ?? 0) << 8) | (data[1] ?? 0), ctx);
  } else throw new CardStatus(SW.INCORRECT_P1P2);
  return p2 === 0x0c ? { sw: reply.sw } : reply;
};

function selectApplet(aid: Uint8Array, ctx: SimContext): SimReply {
  if (!bytesEqual(aid, SC_HSM_AID)) throw new CardStatus(SW.FILE_NOT_FOUND);
  clearSession(ctx.session, true);
  return { data: appletFcp(ctx.state.options), sw: SW.OK };
}

function selectEf(fid: number, ctx: SimContext): SimReply {
  if (!ctx.session.appletSelected || !objectExists(fid, ctx)) throw new CardStatus(SW.FILE_NOT_FOUND);
  ctx.session.currentEf = fid;
  if (isKeyFid(fid)) return { data: efFci(fid, 0, FILE_DESCRIPTOR.INTERNAL_EF), sw: SW.OK };
  const size = ctx.state.files.get(fid)?.length ?? 0;
  return { data: efFci(fid, size, FILE_DESCRIPTOR.WORKING_EF), sw: SW.OK };
}
