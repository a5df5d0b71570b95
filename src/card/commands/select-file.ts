import { decodeTlvs, findTlv, type Tlv } from '../../apdu/tlv.ts';
import { u16 } from '../../apdu/hex.ts';
import { CLA, INS } from '../constants.ts';
import { MalformedResponseError } from '../host-errors.ts';
import { fidName, type CardSession } from '../session.ts';

/** What SELECT by FID tells about an EF (§2.4). */
export interface FileInfo {
  readonly fid: number;
  /** File size in bytes from tag 80 (FCI, real card) or 81 (FCP, pico); undefined if absent. */
  readonly size: number | undefined;
  /** File descriptor byte (tag 82): 01 working EF, 08 internal EF. */
  readonly descriptor: number | undefined;
  /** The response data as received. */
  readonly fci: Uint8Array;
}

function uint(t: Tlv | undefined): number | undefined {
  if (t === undefined || t.value.length === 0) return undefined;
  return t.value.reduce((acc, b) => acc * 256 + b, 0);
}

/** Parse `6F … 80 size …` (real card) or `62 … 81 size …` (pico); both forms are accepted (§2.4, §13). */
export function parseFci(fci: Uint8Array, fid: number): FileInfo {
  if (fci.length === 0) return { fid, size: undefined, descriptor: undefined, fci };
  let inner: Tlv[];
  try {
    const tlvs = decodeTlvs(fci);
    const tpl = tlvs.find((t) => t.tag === 0x6f || t.tag === 0x62);
    inner = tpl === undefined ? tlvs : decodeTlvs(tpl.value);
  } catch (cause) {
    throw new MalformedResponseError(`SELECT ${fidName(fid)}`, 'the FCI is not BER-TLV', cause);
  }
  const size = uint(findTlv(inner, 0x80)) ?? uint(findTlv(inner, 0x81));
  return { fid, size, descriptor: findTlv(inner, 0x82)?.value[0], fci };
}

/**
 * SELECT an EF by file identifier: `00 A4 00 00 02 <FID> 00` (P1 00, P2 00, short Le 00 as OpenSC
 * sends it, §2.3). Makes the EF current; does not touch the applet selection or the PIN state.
 */
export async function selectFile(card: CardSession, fid: number): Promise<FileInfo> {
  const cmd = { cla: CLA.ISO, ins: INS.SELECT, p1: 0x00, p2: 0x00, data: u16(fid), ne: 256, form: 'short' } as const;
  const res = await card.send(cmd, { operation: `SELECT ${fidName(fid)}`, fid });
  return parseFci(res.data, fid);
}
