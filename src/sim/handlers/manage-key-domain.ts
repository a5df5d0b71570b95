import { SW } from '../../apdu/status-words.ts';
import { requireUserPin } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { domainCount, domainKek, domainStatus, setDomainKek } from '../key-domains.ts';
import type { DkekState, InsHandler, SimContext } from '../types.ts';

/**
 * IMPORT DKEK SHARE / MANAGE KEY DOMAIN — `80 52 P1 P2 [Lc data] [Le]` (§3.10, §8). P2 = key domain
 * (0..N-1, N = INITIALIZE tag 97, 1 without it); P2 ≥ N → 6A86, the answer CardContact's
 * sc-hsm-embedded (`enumerateKeyDomains`) stops at. Every successful answer is the domain status
 * `[total shares] [outstanding shares] [KCV (8)]`; the KCV is that of the value assembled so far.
 *
 * - P1 00 without data: query. Slot not in use → 6A88 (sc-hsm-embedded skips it); on a device
 *   initialized without tag 97 and without tag 92 → 6D00 (sc-hsm-tool: "not initialized for key
 *   shares"; pico's 9000 + zeros is not copied).
 * - P1 00 with a 32-byte share: XOR it in. Domain 0 needs no PIN (sc-hsm-tool imports without
 *   VERIFY); another domain needs the user PIN (6982; pico: 6985). All shares in → 6986; share not
 *   32 bytes → 6700; slot not in use → 6A88.
 * - P1 01 data `n` (1 byte): create a DKEK domain expecting n (1..255) shares (scsh
 *   `createDKEKKeyDomain(domain, shares)`). User PIN; data not 1 byte → 6700; n = 0 → 6A80; slot in
 *   use → 6A86 (pico).
 * - P1 03: delete the domain. User PIN; slot not in use → 6A86; a key still in the domain → 6A89;
 *   done → 6A88 with no data ("the domain is gone": pico, and pypicohsm `delete_key_domain` expects
 *   exactly 6A88).
 * - P1 04: clear the DKEK (all shares outstanding again; keys stay but cannot be wrapped until the
 *   shares are back). User PIN; slot not in use → 6A88; a random DKEK (tag 92 00, no shares) → 6985.
 * - P1 02 (create an XKEK domain from a peer's certificate) → 6A81: not simulated (README, "XKEK").
 * - Other P1 → 6A86.
 */
export const manageKeyDomain: InsHandler = (cmd, ctx) => {
  if (cmd.p1 === 0x02) throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, 'XKEK key domains are not simulated');
  if (![0x00, 0x01, 0x03, 0x04].includes(cmd.p1)) throw new CardStatus(SW.INCORRECT_P1P2, 'unknown key domain operation');
  const { state } = ctx;
  if (!state.initialized) throw new CardStatus(SW.INS_NOT_SUPPORTED, 'not initialized');
  const n = cmd.p2;
  if (n >= domainCount(state)) throw new CardStatus(SW.INCORRECT_P1P2, `no key domain ${n}`);
  if (cmd.p1 === 0x01) return create(cmd.data, n, ctx);
  if (cmd.p1 === 0x03) return remove(n, ctx);
  const kek = domainKek(state, n);
  if (kek === undefined) {
    if (state.keyDomains === undefined) throw new CardStatus(SW.INS_NOT_SUPPORTED, 'no DKEK');
    throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND, `key domain ${n} not in use`);
  }
  if (cmd.p1 === 0x04) return clear(kek, n, ctx);
  if (cmd.data.length !== 0) {
    if (n !== 0) requireUserPin(ctx);
    importShare(kek, cmd.data);
  }
  return { data: domainStatus(kek), sw: SW.OK };
};

function create(data: Uint8Array, n: number, ctx: SimContext): { data: Uint8Array; sw: number } {
  requireUserPin(ctx);
  if (data.length !== 1) throw new CardStatus(SW.WRONG_LENGTH, 'create key domain: 1 byte share count expected');
  const shares = data[0] ?? 0;
  if (shares === 0) throw new CardStatus(SW.INCORRECT_DATA, 'a DKEK domain needs at least one share');
  if (domainKek(ctx.state, n) !== undefined) throw new CardStatus(SW.INCORRECT_P1P2, `key domain ${n} is in use`);
  const kek: DkekState = { total: shares, outstanding: shares, value: new Uint8Array(32) };
  setDomainKek(ctx.state, n, kek);
  return { data: domainStatus(kek), sw: SW.OK };
}

function remove(n: number, ctx: SimContext): { sw: number } {
  requireUserPin(ctx);
  if (domainKek(ctx.state, n) === undefined) throw new CardStatus(SW.INCORRECT_P1P2, `key domain ${n} not in use`);
  for (const [id, key] of ctx.state.keys) {
    if ((key.domain ?? 0) === n) throw new CardStatus(SW.FILE_ALREADY_EXISTS, `key ${id} is in key domain ${n}`);
  }
  setDomainKek(ctx.state, n, undefined);
  return { sw: SW.REFERENCED_DATA_NOT_FOUND };
}

function clear(kek: DkekState, n: number, ctx: SimContext): { data: Uint8Array; sw: number } {
  requireUserPin(ctx);
  if (kek.total === 0) throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, `key domain ${n} has a random DKEK without shares`);
  kek.value = new Uint8Array(32);
  kek.outstanding = kek.total;
  return { data: domainStatus(kek), sw: SW.OK };
}

function importShare(kek: DkekState, share: Uint8Array): void {
  if (share.length !== 32) throw new CardStatus(SW.WRONG_LENGTH);
  if (kek.outstanding === 0) throw new CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF, 'all shares imported');
  const value = Uint8Array.from(kek.value);
  for (let i = 0; i < 32; i++) value[i] = (value[i] ?? 0) ^ (share[i] ?? 0);
  kek.value = value;
  kek.outstanding -= 1;
}
