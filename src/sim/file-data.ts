import { SW } from '../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../apdu/tlv.ts';
import { CardStatus } from './card-status.ts';

/**
 * The data objects of the odd-INS file commands (§3.2, §3.3): `54 L offset` (1..4 bytes, big-endian;
 * hosts send 2) and `53 L data` (BER length). Malformed → 6A80.
 */

/** Largest EF the simulator stores (offsets are 2 bytes on the wire, §3.2). */
export const MAX_EF_SIZE = 0xffff;

function offsetValue(v: Uint8Array): number {
  if (v.length < 1 || v.length > 4) throw new CardStatus(SW.INCORRECT_DATA, 'offset DO 54 must hold 1..4 bytes');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

function tlvsOf(data: Uint8Array): Tlv[] {
  try {
    return decodeTlvs(data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'malformed TLV');
  }
}

/** READ BINARY B1 data: `54 02 hi lo` (fast path) or any 54 DO; empty data = offset 0. */
export function readOffset(data: Uint8Array): number {
  if (data.length === 4 && data[0] === 0x54 && data[1] === 0x02) return ((data[2] ?? 0) << 8) | (data[3] ?? 0);
  if (data.length === 0) return 0;
  const tlvs = tlvsOf(data);
  const first = tlvs[0];
  if (tlvs.length !== 1 || first?.tag !== 0x54) throw new CardStatus(SW.INCORRECT_DATA, 'expected offset DO 54');
  return offsetValue(first.value);
}

/** UPDATE BINARY D7 data: `[54 L offset] 53 L data` → offset and data (a view into `data`). */
export function writeRequest(data: Uint8Array): { offset: number; bytes: Uint8Array } {
  const tlvs = tlvsOf(data);
  const [a, b] = tlvs;
  if (tlvs.length === 1 && a?.tag === 0x53) return { offset: 0, bytes: a.value };
  if (tlvs.length === 2 && a?.tag === 0x54 && b?.tag === 0x53) return { offset: offsetValue(a.value), bytes: b.value };
  throw new CardStatus(SW.INCORRECT_DATA, 'expected 54 offset and 53 data');
}
