import { SW } from '../apdu/status-words.ts';
import { CardStatus } from './card-status.ts';
import { dkekKcv } from './crypto/dkek.ts';
import type { DkekState, SimState } from './types.ts';

/**
 * Key domains (§3.10; CardContact sc-hsm-embedded `keydomain.c`, pico-hsm `cmd_key_domain.c`).
 * A device has `keyDomains` slots (INITIALIZE tag 97; without the tag one slot, domain 0, the
 * classic DKEK of tag 92). Domain 0's DKEK is `state.dkek`, domains 1..N-1 are in `state.domains`;
 * an absent entry is a slot not in use (created with MANAGE KEY DOMAIN P1 01).
 */

/** Number of key domain slots: tag 97, or 1 for a device initialized without it. */
export function domainCount(state: SimState): number {
  return state.keyDomains ?? 1;
}

/** The DKEK state of domain `n`, or undefined when the slot is not in use. */
export function domainKek(state: SimState, n: number): DkekState | undefined {
  if (n === 0) return state.dkek;
  return state.domains?.get(n);
}

export function setDomainKek(state: SimState, n: number, kek: DkekState | undefined): void {
  if (n === 0) {
    state.dkek = kek;
    return;
  }
  const domains = state.domains ?? new Map<number, DkekState>();
  if (kek === undefined) domains.delete(n);
  else domains.set(n, kek);
  state.domains = domains;
}

/** Every domain in use, in domain order. */
export function domainsInUse(state: SimState): Array<{ domain: number; kek: DkekState }> {
  const out: Array<{ domain: number; kek: DkekState }> = [];
  for (let n = 0; n < domainCount(state); n++) {
    const kek = domainKek(state, n);
    if (kek !== undefined) out.push({ domain: n, kek });
  }
  return out;
}

/** The status answer: `[total shares] [outstanding shares] [KCV (8)]` (10 bytes, a DKEK domain). */
export function domainStatus(kek: DkekState): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = kek.total;
  out[1] = kek.outstanding;
  out.set(dkekKcv(kek.value), 2);
  return out;
}

/**
 * The final KEK of the domain a key belongs to (`undefined` domain = 0), for WRAP KEY. Domain 0
 * without a complete DKEK → 6D00 (what sc-hsm-tool reads as "not initialized for key wrap"); another
 * domain not in use or with shares outstanding → 6A88 (pico, which CardContact's test suite drives).
 */
export function usableDomainKek(state: SimState, domain: number | undefined): Uint8Array {
  const n = domain ?? 0;
  const kek = domainKek(state, n);
  if (kek === undefined || kek.outstanding > 0) {
    if (n === 0) throw new CardStatus(SW.INS_NOT_SUPPORTED, 'no complete DKEK: card not initialized for key wrap');
    throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND, `key domain ${n} has no complete DKEK`);
  }
  return kek.value;
}

/**
 * The domain a new key goes into (GAKP/GSK tag 92): it must be a slot in use (6A88 otherwise) and
 * its DKEK complete (6985: keys wait for all shares, §3.9). Without tag 92 the key belongs to
 * domain 0, which blocks generation only while its own shares are outstanding.
 */
export function checkDomainForNewKey(state: SimState, domain: number | undefined): void {
  const n = domain ?? 0;
  const kek = domainKek(state, n);
  if (domain !== undefined && (n >= domainCount(state) || kek === undefined))
    throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND, `key domain ${n} is not in use`);
  if (kek !== undefined && kek.outstanding > 0)
    throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, `key domain ${n}: DKEK shares outstanding`);
}
