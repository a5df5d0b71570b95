import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { OPTION, PIN_LIMITS } from '../constants.ts';
import { parseInitData } from '../initialize-data.ts';
import { checkPin } from '../pin.ts';
import { clearSession } from '../session.ts';
import { wipeUserObjects } from '../state.ts';
import type { DkekState, InsHandler, SimContext } from '../types.ts';

/**
 * INITIALIZE DEVICE — `80 50 00 00 Lc TLVs` (§3.9): 80 options (2), 81 user PIN (6..16), 82
 * initialization code = SO-PIN (8), 91 user PIN retry counter (1..15, default 3), 92 number of DKEK
 * shares (absent = no DKEK, 0 = random DKEK, n = n shares to import), 95/96 bio servers (accepted,
 * not used), 97 number of key domains (N slots 0..N-1; domain 0 holds the tag-92 DKEK, if any, the
 * others are created with MANAGE KEY DOMAIN, §3.10), 93 public key
 * authentication n‖m (§3.20: every registered key is forgotten; n keys may then be registered).
 *
 * Re-initialization checks tag 82 against the current SO-PIN (real-card semantics; pico skips it).
 * Wrong → 6985, counted on the SO-PIN counter; blocked → 6983. 6985 is one of the "not allowed" SWs
 * (6900/6985/6986) OpenSC's sc_hsm_initialize maps to "PIN code incorrect", so sc-hsm-tool reports a
 * wrong SO-PIN (§13: exact real SW unconfirmed).
 *
 * Effect: every key and EF except the device identity (CC00, 2F02) is deleted; PINs, counters,
 * options and the DKEK state are set anew; the session is logged out (OpenSC VERIFYs again after
 * INITIALIZE before writing 2F03, which a real card requires). Missing 81/82, bad lengths or
 * malformed TLVs → 6A80; no data → 6700; P1P2 ≠ 0000 → 6A86.
 */
export const initializeDevice: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const p = parseInitData(cmd.data);
  const { state } = ctx;
  if (state.initialized && state.soPin !== undefined) {
    const sw = checkPin(state.soPin, p.soPin);
    if (sw === SW.AUTHENTICATION_METHOD_BLOCKED) return { sw };
    if (sw !== SW.OK) return { sw: SW.CONDITIONS_OF_USE_NOT_SATISFIED };
  }
  wipeUserObjects(state);
  state.options = p.options;
  state.transportPin = (p.options & OPTION.TRANSPORT_PIN) !== 0;
  state.userPin = { value: p.userPin, retries: p.retries, max: p.retries };
  state.soPin = { value: p.soPin, retries: PIN_LIMITS.SO_TRIES, max: PIN_LIMITS.SO_TRIES };
  state.dkek = dkekFor(p.shares, ctx);
  state.keyDomains = p.keyDomains;
  state.domains = undefined;
  state.pka = p.pka === undefined ? undefined : { ...p.pka, keys: [] };
  state.initialized = true;
  clearSession(ctx.session, true);
  return { sw: SW.OK };
};

/** Tag 92: absent → no DKEK; 0 → a random DKEK generated on the card; n → n shares outstanding (§8.4). */
function dkekFor(shares: number | undefined, ctx: SimContext): DkekState | undefined {
  if (shares === undefined) return undefined;
  if (shares === 0) return { total: 0, outstanding: 0, value: ctx.random(32) };
  return { total: shares, outstanding: shares, value: new Uint8Array(32) };
}
