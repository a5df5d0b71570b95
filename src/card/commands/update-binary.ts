import { concat, u16 } from '../../apdu/hex.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import { fidName, type CardSession } from '../session.ts';

/** Bytes of `54 02 <offset>` + the `53` header with a 2-byte length: room kept in every chunk. */
const TLV_OVERHEAD = 8;

/** One UPDATE BINARY: `00 D7 <FID> Lc 54 02 <offset> 53 <len> <data>` (§3.3). */
async function updateChunk(card: CardSession, fid: number, offset: number, data: Uint8Array): Promise<void> {
  const body = concat(encodeTlv(0x54, u16(offset)), encodeTlv(0x53, data));
  const cmd = { cla: CLA.ISO, ins: INS.UPDATE_BINARY_ODD, p1: fid >> 8, p2: fid & 0xff, data: body };
  await card.send(cmd, { operation: `UPDATE BINARY ${fidName(fid)} at ${offset}`, fid });
}

/**
 * Write `data` into EF `fid` from `offset`, split into chunks that each carry their own offset TLV
 * (OpenSC never chains, §1.3, §3.3). Writing to a FID that does not exist creates the EF.
 * Empty data sends the create form `00 D7 <FID> 06 54 02 00 00 53 00`.
 */
export async function updateBinary(card: CardSession, fid: number, data: Uint8Array, offset = 0): Promise<void> {
  if (!Number.isInteger(offset) || offset < 0 || offset + data.length > 0x10000) {
    throw new InvalidArgumentError(`UPDATE BINARY of ${data.length} bytes at offset ${offset} goes beyond 64 KiB`);
  }
  const chunk = card.limits.maxCommandData - TLV_OVERHEAD;
  if (data.length === 0) return updateChunk(card, fid, offset, data);
  for (let pos = 0; pos < data.length; pos += chunk) {
    await updateChunk(card, fid, offset + pos, data.subarray(pos, pos + chunk));
  }
}

/** Create an empty EF: `00 D7 <FID> 06 54 02 00 00 53 00` (OpenSC sc_hsm_create_file, §3.3). */
export async function createFile(card: CardSession, fid: number): Promise<void> {
  await updateChunk(card, fid, 0, new Uint8Array(0));
}
