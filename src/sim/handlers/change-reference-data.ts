import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { PIN_LIMITS, PIN_REF } from '../constants.ts';
import { checkPin } from '../pin.ts';
import type { InsHandler, PinRecord, SimContext, SimReply } from '../types.ts';

/**
 * CHANGE REFERENCE DATA — `00 24 00 P2 Lc old ‖ new` (§3.7).
 * - P2 81: the card splits the data at the length of the *stored* user PIN (a host sending an old
 *   PIN of another length fails the comparison and uses a try). New PIN 6..16 bytes, else 6A80.
 *   Success ends the transport-PIN state (§3.9 option 0x0002) and leaves the user verified.
 * - P2 88: old SO-PIN (8) ‖ new SO-PIN (8); other lengths → 6A80.
 * - Answers like VERIFY: 9000, 63Cx, 6983; 6A88 when not initialized or for another reference.
 * - P1 01 ("implicit", SoC/bio variants only) and any P1 ≠ 00 → 6A86.
 */
export const changeReferenceData: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  const { state } = ctx;
  if (cmd.p2 === PIN_REF.USER && state.initialized && state.userPin !== undefined) return changeUser(state.userPin, cmd.data, ctx);
  if (cmd.p2 === PIN_REF.SO && state.initialized && state.soPin !== undefined) return changeSo(state.soPin, cmd.data, ctx);
  throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
};

function changeUser(pin: PinRecord, data: Uint8Array, ctx: SimContext): SimReply {
  const split = pin.value.length;
  const fresh = data.subarray(split);
  if (data.length <= split || fresh.length < PIN_LIMITS.USER_MIN || fresh.length > PIN_LIMITS.USER_MAX) return { sw: SW.INCORRECT_DATA };
  const sw = checkPin(pin, data.subarray(0, split));
  ctx.session.userAuthenticated = sw === SW.OK;
  if (sw !== SW.OK) return { sw };
  pin.value = Uint8Array.from(fresh);
  ctx.state.transportPin = false;
  return { sw };
}

function changeSo(pin: PinRecord, data: Uint8Array, ctx: SimContext): SimReply {
  if (data.length !== 2 * PIN_LIMITS.SO_LENGTH) return { sw: SW.INCORRECT_DATA };
  const sw = checkPin(pin, data.subarray(0, PIN_LIMITS.SO_LENGTH));
  ctx.session.soAuthenticated = sw === SW.OK;
  if (sw === SW.OK) pin.value = Uint8Array.from(data.subarray(PIN_LIMITS.SO_LENGTH));
  return { sw };
}
