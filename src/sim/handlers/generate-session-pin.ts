import { SW } from '../../apdu/status-words.ts';
import { requireUserPin } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { OPTION, PIN_REF } from '../constants.ts';
import type { InsHandler } from '../types.ts';

/** Length of a generated session PIN (pico-hsm `cmd_session_pin.c` makes 8 random bytes too). */
export const SESSION_PIN_LENGTH = 8;

/**
 * GENERATE SESSION PIN — `80 5A 01 81 00` (§3.21; OpenSC `sc_hsm_pin_cmd`): a fresh random session PIN
 * for the user PIN, which VERIFY 81 then accepts in place of the user PIN until the card is reset
 * (option `0x0004` "session PIN, cleared on reset"; a re-SELECT keeps it). Our reading of the card:
 * - the device must have been initialised with option 0x0004 → else 6985;
 * - it is answered only inside a secure channel with the user PIN verified (the session PIN must
 *   never cross the reader in clear; OpenSC only asks inside SM) → else 6982;
 * - P1 ≠ 01 or P2 ≠ 81 → 6A86.
 * The session PIN is volatile: never persisted in the state file.
 */
export const generateSessionPin: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x01 || cmd.p2 !== PIN_REF.USER) throw new CardStatus(SW.INCORRECT_P1P2);
  if ((ctx.state.options & OPTION.SESSION_PIN) === 0)
    throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'session PIN option not set');
  if (ctx.session.sm === undefined) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED, 'only inside a secure channel');
  requireUserPin(ctx);
  const pin = ctx.random(SESSION_PIN_LENGTH);
  ctx.session.sessionPin = pin;
  return { data: pin.slice(), sw: SW.OK };
};
