import { SW } from '../apdu/status-words.ts';
import { CardStatus } from './card-status.ts';
import { FID, PREFIX } from './constants.ts';
import type { SimContext } from './types.ts';

/** Shared access checks of the file and key handlers (§3.2–§3.5, §5). */

/** 6982 unless the user PIN was verified in this session. */
export function requireUserPin(ctx: SimContext): void {
  if (!ctx.session.userAuthenticated) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED, 'user PIN not verified');
}

/** True for key objects CCxx (never readable or writable as files). */
export function isKeyFid(fid: number): boolean {
  return fid >> 8 === PREFIX.KEY;
}

/** Objects no command may write or delete: PrK.DevAut (CC00) and EF.C_DevAut (2F02) → 6982. */
export function isDeviceIdentity(fid: number): boolean {
  return fid === FID.DEVICE_KEY || fid === FID.C_DEVAUT;
}

/** P1P2 as a file identifier; 0000 = the current EF (6986 when there is none, ISO 7816-4). */
export function targetFid(p1: number, p2: number, ctx: SimContext): number {
  const fid = (p1 << 8) | p2;
  if (fid !== 0) return fid;
  const current = ctx.session.currentEf;
  if (current === undefined) throw new CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF, 'no current EF');
  return current;
}

/** Whether the object exists: a key (CCxx) or an EF. */
export function objectExists(fid: number, ctx: SimContext): boolean {
  if (isKeyFid(fid)) return (fid & 0xff) === 0 ? true : ctx.state.keys.has(fid & 0xff);
  return ctx.state.files.has(fid);
}
