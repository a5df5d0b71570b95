import { SW } from '../../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { OPTION, PIN_LIMITS } from '../constants.ts';
import { checkPin } from '../pin.ts';
import { clearSession } from '../session.ts';
import { wipeUserObjects } from '../state.ts';
import type { DkekState, InsHandler, SimContext } from '../types.ts';

/**
 * INITIALIZE DEVICE — `80 50 00 00 Lc TLVs` (§3.9): 80 options (2), 81 user PIN (6..16), 82
 * initialization code = SO-PIN (8), 91 user PIN retry counter (1..15, default 3), 92 number of DKEK
 * shares (absent = no DKEK, 0 = random DKEK, n = n shares to import), 95/96 bio servers (accepted,
 * not used), 97 key domains (accepted, only the default domain exists). 93 (public key
 * authentication) is not simulated → 6A81.
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
  state.initialized = true;
  clearSession(ctx.session, true);
  return { sw: SW.OK };
};

interface InitParams {
  options: number;
  userPin: Uint8Array;
  soPin: Uint8Array;
  retries: number;
  shares: number | undefined;
}

function parseInitData(data: Uint8Array): InitParams {
  let tlvs: Tlv[];
  try {
    tlvs = decodeTlvs(data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'malformed TLV');
  }
  const get = (tag: number): Uint8Array | undefined => tlvs.find((t) => t.tag === tag)?.value;
  if (get(0x93) !== undefined) throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, 'public key authentication is not simulated');
  const options = get(0x80);
  const userPin = get(0x81);
  const soPin = get(0x82);
  const retries = get(0x91);
  const shares = get(0x92);
  const bad = (ok: boolean): void => {
    if (!ok) throw new CardStatus(SW.INCORRECT_DATA);
  };
  bad(options === undefined || options.length === 2);
  bad(userPin !== undefined && userPin.length >= PIN_LIMITS.USER_MIN && userPin.length <= PIN_LIMITS.USER_MAX);
  bad(soPin !== undefined && soPin.length === PIN_LIMITS.SO_LENGTH);
  bad(retries === undefined || (retries.length === 1 && (retries[0] ?? 0) >= 1 && (retries[0] ?? 0) <= PIN_LIMITS.USER_TRIES_MAX));
  bad(shares === undefined || shares.length === 1);
  return {
    options: options === undefined ? 0 : ((options[0] ?? 0) << 8) | (options[1] ?? 0),
    userPin: Uint8Array.from(userPin ?? []),
    soPin: Uint8Array.from(soPin ?? []),
    retries: retries?.[0] ?? PIN_LIMITS.USER_TRIES_DEFAULT,
    shares: shares?.[0],
  };
}

/** Tag 92: absent → no DKEK; 0 → a random DKEK generated on the card; n → n shares outstanding (§8.4). */
function dkekFor(shares: number | undefined, ctx: SimContext): DkekState | undefined {
  if (shares === undefined) return undefined;
  if (shares === 0) return { total: 0, outstanding: 0, value: ctx.random(32) };
  return { total: shares, outstanding: shares, value: new Uint8Array(32) };
}
