import { TransportError, TransportRaceError } from '../../transport/errors.ts';
import { CLA, INS } from '../constants.ts';
import { MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/** ENUMERATE OBJECTS response → 2-byte identifiers, `0000` (pico's padding entry) dropped (§3.5). */
export function parseObjectList(data: Uint8Array): number[] {
  if (data.length % 2 !== 0) throw new MalformedResponseError('ENUMERATE OBJECTS', `odd response length ${data.length}`);
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 2) {
    const fid = ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
    if (fid !== 0) out.push(fid);
  }
  return out;
}

/**
 * ENUMERATE OBJECTS `80 58 00 00 00 00 00` (case 2E, Le 0000 as the card requires, §1.3, §11.1) →
 * identifiers of keys (CCxx) and files. Short-only sessions send `80 58 00 00 00`. Like OpenSC, a
 * transport failure of the extended form is retried once in short form and the session falls back to
 * short APDUs (§1.3, sc_hsm_list_files).
 */
export async function enumerateObjects(card: CardSession): Promise<number[]> {
  const short = { cla: CLA.PROPRIETARY, ins: INS.ENUMERATE_OBJECTS, p1: 0, p2: 0, ne: 256, form: 'short' } as const;
  if (card.limits.shortOnly) return parseObjectList((await card.send(short)).data);
  try {
    const ext = { ...short, ne: 0x10000, form: 'extended' } as const;
    return parseObjectList((await card.send(ext)).data);
  } catch (err) {
    if (!(err instanceof TransportError) || err instanceof TransportRaceError) throw err;
    card.fallBackToShortApdus?.();
    return parseObjectList((await card.send(short, { operation: 'ENUMERATE OBJECTS (short APDU fallback)' })).data);
  }
}
