import { timingSafeEqual } from 'node:crypto';
import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { PIN_LIMITS, PIN_REF } from '../constants.ts';
import { checkPin, pinStatus } from '../pin.ts';
import type { InsHandler, SimContext, SimReply } from '../types.ts';

/**
 * VERIFY — `00 20 00 P2 [Lc PIN]` (§3.6, §7).
 * - P2 81 user PIN, 88 SO-PIN (8 bytes); 85/86 (biometric templates of SoC variants) and any other
 *   reference → 6A88, so OpenSC does not mistake the card for a PIN-pad one.
 * - Without data: status query — 9000 verified in this session, 63Cx not verified with x tries
 *   left, 6983 blocked, 6A88 not initialized, 6984 transport PIN still active.
 * - With data: 9000 / 63Cx / 6983 (checkPin). A failed attempt also ends a previous verification
 *   (ISO 7816-4: the security status is reset when verification fails).
 * - A user PIN outside 6..16 bytes, or an SO-PIN that is not 8 bytes, cannot be right: 6A80 without
 *   using a try (sc-hsm-embedded maps VERIFY 6A80 to CKR_PIN_LEN_RANGE).
 * - P1 ≠ 00 → 6A86.
 * - A session PIN from GENERATE SESSION PIN (§3.21) is accepted for 81 in place of the user PIN until
 *   the card is reset, plain or inside a secure channel; it uses no try of the user PIN.
 */
export const verify: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  if (cmd.p2 === PIN_REF.USER) return verifyUser(cmd.data, ctx);
  if (cmd.p2 === PIN_REF.SO) return verifySo(cmd.data, ctx);
  throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
};

function verifyUser(data: Uint8Array, ctx: SimContext): SimReply {
  const { state, session } = ctx;
  const pin = state.userPin;
  if (!state.initialized || pin === undefined) return { sw: SW.REFERENCED_DATA_NOT_FOUND };
  if (state.transportPin === true) return { sw: SW.REFERENCE_DATA_NOT_USABLE };
  if (data.length === 0) return { sw: session.userAuthenticated && pin.retries > 0 ? SW.OK : pinStatus(pin) };
  if (data.length < PIN_LIMITS.USER_MIN || data.length > PIN_LIMITS.USER_MAX) return { sw: SW.INCORRECT_DATA };
  if (isSessionPin(session.sessionPin, data) && pin.retries > 0) {
    session.userAuthenticated = true;
    return { sw: SW.OK };
  }
  const sw = checkPin(pin, data);
  session.userAuthenticated = sw === SW.OK;
  return { sw };
}

function verifySo(data: Uint8Array, ctx: SimContext): SimReply {
  const { state, session } = ctx;
  const pin = state.soPin;
  if (!state.initialized || pin === undefined) return { sw: SW.REFERENCED_DATA_NOT_FOUND };
  if (data.length === 0) return { sw: session.soAuthenticated && pin.retries > 0 ? SW.OK : pinStatus(pin) };
  if (data.length !== PIN_LIMITS.SO_LENGTH) return { sw: SW.INCORRECT_DATA };
  const sw = checkPin(pin, data);
  session.soAuthenticated = sw === SW.OK;
  return { sw };
}

function isSessionPin(sessionPin: Uint8Array | undefined, data: Uint8Array): boolean {
  return sessionPin !== undefined && sessionPin.length === data.length && timingSafeEqual(sessionPin, data);
}
