import { u16 } from '../../apdu/hex.ts';
import { CLA, INS } from '../constants.ts';
import { fidName, type CardSession } from '../session.ts';

/**
 * DELETE FILE `00 E4 02 00 02 <FID>` (§3.4): deletes a key (`CCxx`) or an EF. Deleting a key does not
 * delete its `C4xx` / `CExx` files; see keys.ts `deleteKey` for the whole set.
 */
export async function deleteFile(card: CardSession, fid: number): Promise<void> {
  const cmd = { cla: CLA.ISO, ins: INS.DELETE_FILE, p1: 0x02, p2: 0x00, data: u16(fid) };
  await card.send(cmd, { operation: `DELETE FILE ${fidName(fid)}`, fid, ...(fid >> 8 === 0xcc ? { keyRef: fid & 0xff } : {}) });
}
