import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { dkekKcv } from '../crypto/dkek.ts';
import type { DkekState, InsHandler } from '../types.ts';

/**
 * IMPORT DKEK SHARE — `80 52 00 00 [20 <share>] 00` (§3.10, §8).
 * - With a 32-byte share: XOR it into the DKEK and count it as imported.
 * - Without data: query.
 * - Answer (both): `[total shares] [outstanding shares] [KCV (8)]`, KCV = SHA-256(DKEK)[0..8] of the
 *   value assembled so far (the DKEK once outstanding = 0). No PIN needed (sc-hsm-tool imports
 *   without VERIFY), and the KCV is always the real one (pico's zeroed KCV is a deviation).
 * - No DKEK (not initialized, or INITIALIZE without tag 92) → 6D00: CardContact's sc-hsm-tool reads
 *   6D00 as "not supported or not initialized for key shares" and skips the DKEK lines (§13; pico's
 *   9000 + zeros and 6B00 are not copied).
 * - All shares already imported → 6986; share not 32 bytes → 6700; P1 ≠ 00 (key-domain management)
 *   or P2 ≠ 00 (only the default key domain exists) → 6A86.
 */
export const importDkekShare: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x00 || cmd.p2 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const dkek = ctx.state.initialized ? ctx.state.dkek : undefined;
  if (dkek === undefined) throw new CardStatus(SW.INS_NOT_SUPPORTED, 'no DKEK');
  if (cmd.data.length !== 0) importShare(dkek, cmd.data);
  return { data: dkekStatus(dkek), sw: SW.OK };
};

function importShare(dkek: DkekState, share: Uint8Array): void {
  if (share.length !== 32) throw new CardStatus(SW.WRONG_LENGTH);
  if (dkek.outstanding === 0) throw new CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF, 'all shares imported');
  const value = Uint8Array.from(dkek.value);
  for (let i = 0; i < 32; i++) value[i] = (value[i] ?? 0) ^ (share[i] ?? 0);
  dkek.value = value;
  dkek.outstanding -= 1;
}

function dkekStatus(dkek: DkekState): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = dkek.total;
  out[1] = dkek.outstanding;
  out.set(dkekKcv(dkek.value), 2);
  return out;
}
