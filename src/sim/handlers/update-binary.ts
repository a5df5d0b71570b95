import { SW } from '../../apdu/status-words.ts';
import { isDeviceIdentity, isKeyFid, requireUserPin, targetFid } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { FID } from '../constants.ts';
import { MAX_EF_SIZE, writeRequest } from '../file-data.ts';
import type { InsHandler, SimContext } from '../types.ts';

/** Total bytes of EF content the simulated card holds (a SmartCard-HSM 4K has about 76 KB of EEPROM). */
export const EF_CAPACITY = 256 * 1024;

/**
 * UPDATE BINARY — `00 D7 FIDhi FIDlo Lc 54 02 off 53 L data` (§3.3). P1P2 = FID or 0000 (current
 * EF). Writes `data` at `off`, growing the EF; an EF that does not exist is created (an empty
 * `53 00` at offset 0 creates an empty EF, OpenSC's "create file"). The EF becomes the current EF.
 * Needs the user PIN (6982). Keys (CCxx) and the device certificates (2F02) cannot be written →
 * 6982. An offset beyond the end of the EF (a gap) → 6B00 (ISO: offset outside the EF); EF larger
 * than 65535 bytes or the card full → 6A84; FID 3F00/FFFF → 6A86; malformed data → 6A80.
 * Answer: 9000, no data.
 */
export const updateBinary: InsHandler = (cmd, ctx) => {
  const fid = targetFid(cmd.p1, cmd.p2, ctx);
  if (fid === FID.MF || fid === 0xffff) throw new CardStatus(SW.INCORRECT_P1P2);
  if (isKeyFid(fid) || isDeviceIdentity(fid)) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED, 'object not writable');
  requireUserPin(ctx);
  const { offset, bytes } = writeRequest(cmd.data);
  const old = ctx.state.files.get(fid);
  const size = old?.length ?? 0;
  if (offset > size) throw new CardStatus(SW.WRONG_P1P2, 'offset beyond the end of the EF');
  const newSize = Math.max(size, offset + bytes.length);
  if (newSize > MAX_EF_SIZE || usedBytes(ctx) - size + newSize > EF_CAPACITY) throw new CardStatus(SW.NOT_ENOUGH_MEMORY);
  const next = new Uint8Array(newSize);
  if (old !== undefined) next.set(old, 0);
  next.set(bytes, offset);
  ctx.state.files.set(fid, next);
  ctx.session.currentEf = fid;
  return { sw: SW.OK };
};

function usedBytes(ctx: SimContext): number {
  let n = 0;
  for (const f of ctx.state.files.values()) n += f.length;
  return n;
}
