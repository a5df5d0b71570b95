import { SW } from '../../apdu/status-words.ts';
import { isKeyFid, objectExists, requireUserPin, targetFid } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { INS, PREFIX } from '../constants.ts';
import { readOffset } from '../file-data.ts';
import type { InsHandler, SimContext, SimReply } from '../types.ts';

/**
 * READ BINARY (§3.2).
 * - `00 B1 P1P2 04 54 02 off Le`: P1P2 = FID (CardContact hosts) or 0000 = current EF (OpenSC,
 *   after SELECT). The EF read becomes the current EF.
 * - `00 B0 P1P2 Le` (even INS): offset P1P2 (15 bits) into the current EF; SFI addressing
 *   (P1 bit 8) is not supported → 6A81.
 * Answer: min(Ne, size − offset) bytes ‖ 9000 (a short read is normal; OpenSC and the CardContact
 * hosts stop at the end). offset == size → no data ‖ 9000, the answer OpenSC's read loop needs to
 * stop; offset > size → 6282 without data (end of file; every host treats it as the end).
 * Keys CCxx → 6982 (never readable); CDxx (private data) need the user PIN → 6982; absent → 6A82.
 */
export const readBinary: InsHandler = (cmd, ctx) => {
  if (cmd.ins === INS.READ_BINARY) {
    if ((cmd.p1 & 0x80) !== 0) throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, 'SFI not supported');
    return readFrom(targetFid(0, 0, ctx), (cmd.p1 << 8) | cmd.p2, cmd.ne, ctx);
  }
  return readFrom(targetFid(cmd.p1, cmd.p2, ctx), readOffset(cmd.data), cmd.ne, ctx);
};

function readFrom(fid: number, offset: number, ne: number, ctx: SimContext): SimReply {
  const file = ctx.state.files.get(fid);
  if (file === undefined) {
    if (isKeyFid(fid) && objectExists(fid, ctx)) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED, 'keys are not readable');
    throw new CardStatus(SW.FILE_NOT_FOUND);
  }
  if (fid >> 8 === PREFIX.PRIVATE_DATA) requireUserPin(ctx);
  ctx.session.currentEf = fid;
  if (offset > file.length) return { sw: SW.END_OF_FILE };
  const end = Math.min(file.length, offset + ne);
  return { data: file.subarray(offset, end), sw: SW.OK };
}
