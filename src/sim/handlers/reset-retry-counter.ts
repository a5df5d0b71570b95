import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { OPTION, PIN_LIMITS, PIN_REF } from '../constants.ts';
import { checkPin } from '../pin.ts';
import type { InsHandler, PinRecord, SimContext, SimReply } from '../types.ts';

/**
 * RESET RETRY COUNTER — `00 2C P1 81 [Lc data]` (§3.8).
 *   P1 00: SO-PIN (8) ‖ new user PIN (6..16) → reset the counter and set the PIN (OpenSC, sc-hsm-embedded)
 *   P1 01: SO-PIN (8)                        → reset the counter only (sc-hsm-embedded, pinlen 0)
 *   P1 02: new user PIN, SO-PIN verified earlier in this session (VERIFY 88)
 *   P1 03: no data, SO-PIN verified earlier in this session
 * Only when the device was initialized with option 0x0001, else 6986; with option 0x0020 ("reset
 * only") setting a new PIN (P1 00/02) → 6986 too. Not initialized → 6A88; P2 ≠ 81 → 6A88 (pico);
 * other P1 → 6A86; wrong SO-PIN → 63Cx/6983 on the SO counter; P1 02/03 without SO → 6982;
 * malformed lengths → 6A80. A new PIN also ends the transport-PIN state.
 */
export const resetRetryCounter: InsHandler = (cmd, ctx) => {
  const { state } = ctx;
  if (cmd.p2 !== PIN_REF.USER || !state.initialized || state.userPin === undefined || state.soPin === undefined) {
    throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
  }
  if (cmd.p1 > 0x03) throw new CardStatus(SW.INCORRECT_P1P2);
  if ((state.options & OPTION.RRC_ENABLED) === 0) throw new CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF, 'RESET RETRY COUNTER disabled');
  const setsPin = cmd.p1 === 0x00 || cmd.p1 === 0x02;
  if (setsPin && (state.options & OPTION.RRC_RESET_ONLY) !== 0) throw new CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF, 'reset-only mode');
  const withSo = cmd.p1 <= 0x01;
  const soLen = withSo ? PIN_LIMITS.SO_LENGTH : 0;
  const fresh = cmd.data.subarray(soLen);
  if (cmd.data.length < soLen) return { sw: SW.INCORRECT_DATA };
  if (setsPin && (fresh.length < PIN_LIMITS.USER_MIN || fresh.length > PIN_LIMITS.USER_MAX)) return { sw: SW.INCORRECT_DATA };
  if (!setsPin && fresh.length !== 0) return { sw: SW.INCORRECT_DATA };
  const auth = authorize(withSo, cmd.data.subarray(0, soLen), state.soPin, ctx);
  if (auth !== undefined) return auth;
  resetUserPin(state.userPin, setsPin ? fresh : undefined, ctx);
  return { sw: SW.OK };
};

/** undefined when the SO is authorised; else the reply. */
function authorize(withSo: boolean, soPin: Uint8Array, so: PinRecord, ctx: SimContext): SimReply | undefined {
  if (!withSo) return ctx.session.soAuthenticated ? undefined : { sw: SW.SECURITY_STATUS_NOT_SATISFIED };
  const sw = checkPin(so, soPin);
  return sw === SW.OK ? undefined : { sw };
}

function resetUserPin(pin: PinRecord, fresh: Uint8Array | undefined, ctx: SimContext): void {
  pin.retries = pin.max;
  if (fresh === undefined) return;
  pin.value = Uint8Array.from(fresh);
  ctx.state.transportPin = false;
}
