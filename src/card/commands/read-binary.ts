import { concat, u16 } from '../../apdu/hex.ts';
import { SW } from '../../apdu/status-words.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import { fidName, type CardSession } from '../session.ts';

export interface ReadBinaryResult {
  readonly data: Uint8Array;
  /** The card said 6282 (end of file reached before Le bytes). */
  readonly endOfFile: boolean;
}

/**
 * READ BINARY, odd INS: `00 B1 <FID> 04 54 02 <offset> <Le>` (§3.2). `fid` 0000 reads the current EF
 * (OpenSC style, after SELECT); any other FID is read directly (CardContact style). Le is short when
 * `length` ≤ 256 (00 = 256), else extended. 6282 counts as success.
 */
export async function readBinary(card: CardSession, fid: number, offset: number, length: number): Promise<ReadBinaryResult> {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffff)
    throw new InvalidArgumentError(`READ BINARY offset ${offset} is outside 0..65535`);
  const cmd = { cla: CLA.ISO, ins: INS.READ_BINARY_ODD, p1: fid >> 8, p2: fid & 0xff, data: encodeTlv(0x54, u16(offset)), ne: length };
  const allowEnd = offset > 0 ? [SW.END_OF_FILE, SW.WRONG_P1P2] : [SW.END_OF_FILE];
  const res = await card.send(cmd, { operation: `READ BINARY ${fidName(fid)} at ${offset}`, fid, accept: allowEnd });
  return { data: res.data, endOfFile: res.sw !== SW.OK };
}

/**
 * Read a whole EF in chunks of the session's `maxResponseData`, stopping at a short read, an empty
 * read or 6282 (§3.2: the card answers a read at offset = size with 0 bytes).
 */
export async function readFile(card: CardSession, fid: number): Promise<Uint8Array> {
  const chunk = card.limits.maxResponseData;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const { data, endOfFile } = await readBinary(card, fid, offset, chunk);
    parts.push(data);
    offset += data.length;
    if (endOfFile || data.length < chunk || offset > 0xffff) break;
  }
  return concat(...parts);
}
