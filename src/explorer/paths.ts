/** How the explorer writes where the user is: `3F00`, or the AID in 2-byte groups like opensc-explorer. */
import { toHex } from '../apdu/hex.ts';
import { SC_HSM_AID } from '../card/constants.ts';
import type { CurrentDf, ExplorerSession } from './session.ts';

/** "E82B/0601/0401/81C3/1F02/01" for the SmartCard-HSM AID. */
export function aidPath(aid: Uint8Array): string {
  const hex = toHex(aid);
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join('/');
}

export function dfText(df: CurrentDf): string {
  if (df.kind === 'mf') return '3F00';
  return aidPath(df.kind === 'applet' ? SC_HSM_AID : df.aid);
}

/** The prompt: `schsm [E82B/0601/0401/81C3/1F02/01]> `, `schsm [no card]> ` after the card went away. */
export function promptText(session: ExplorerSession): string {
  const s = session.style;
  const where = session.connected ? dfText(session.df) : 'no card';
  return `${s.bold('schsm')} [${session.connected ? s.cyan(where) : s.red(where)}]> `;
}
