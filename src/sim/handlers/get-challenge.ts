import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { pkaSession } from '../pka.ts';
import type { InsHandler } from '../types.ts';

/** Most random bytes one GET CHALLENGE returns (OpenSC and sc-hsm-embedded never ask for more, §1.4). */
export const MAX_CHALLENGE = 1024;

/**
 * GET CHALLENGE — `00 84 00 00 Le` (§3.19): Ne random bytes from the card RNG (short Le 00 = 256,
 * extended up to 1024). No Le (Ne = 0) or Ne > 1024 → 6700; data present → 6700; P1P2 ≠ 0000 → 6A86.
 */
export const getChallenge: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  if (cmd.data.length !== 0 || cmd.ne === 0 || cmd.ne > MAX_CHALLENGE) throw new CardStatus(SW.WRONG_LENGTH);
  const data = ctx.random(cmd.ne);
  if (ctx.state.pka !== undefined) pkaSession(ctx).challenge = data; // for EXTERNAL AUTHENTICATE (§3.20)
  return { data, sw: SW.OK };
};
