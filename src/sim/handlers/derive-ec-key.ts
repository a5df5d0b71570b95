import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { fromBigInt, mod, toBigInt } from '../crypto/bigint.ts';
import { encodeEcPkcs8 } from '../crypto/ec-key.ts';
import { ecPrivate, keyForUse, spendUse } from '../crypto/key-access.ts';
import { checkDomainForNewKey } from '../key-domains.ts';
import type { InsHandler, KeyRecord } from '../types.ts';

/** Algorithm id of EC key derivation: the first data byte, and the id a key's algorithm list must allow (§4). */
export const ALGO_EC_DERIVE = 0x98;

/**
 * DERIVE EC KEY — `80 76 <source key> <new key> Lc 98 ‖ param` (§3.16). What CardContact's host code
 * sends (sc-hsm-embedded `sc_hsm_C_DeriveKey`, mechanism CKM_SC_HSM_EC_DERIVE: case 3, no Le; the
 * new reference is a free one; no answer data; afterwards the host writes the PRKD itself and
 * reads CE<new> if the card stored anything there). The arithmetic is nowhere in CardContact's public
 * code; the simulator does the scalar addition of the additive (BIP32-style, non-hardened) scheme
 * the mechanism's name and use call for:
 *
 *   d' = (d + param) mod n,   so that   Q' = Q + param·G   can be computed from the PUBLIC key.
 *
 * (pico-hsm adds too but reduces by the field prime p instead of the order n: a different key whenever
 * d + param ≥ p, an unreduced scalar when it lies in [n, p); §3.16.) The new key is on the source's curve, keeps its
 * allowed-algorithm list and key domain (no escalation through derivation), has no use counter, and
 * nothing is written to EFs (C4/CE are the host's). One use of the source key is counted.
 *
 * Checks: user PIN (6982); source exists (6A82), is EC and allows 98 (6A81), counter left (6984);
 * DKEK shares of the source's key domain outstanding (6985, as for key generation); P2 00 (the device key) → 6A86; no data →
 * 6700; first byte not 98, empty parameter, one longer than the order, or d' = 0 → 6A80.
 */
export const deriveEcKey: InsHandler = (cmd, ctx) => {
  if (cmd.p2 === 0x00) throw new CardStatus(SW.INCORRECT_P1P2, 'key 0 is the device key');
  const source = keyForUse(ctx, cmd.p1, ALGO_EC_DERIVE, ['ec']);
  checkDomainForNewKey(ctx.state, source.domain);
  if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH, 'no derivation data');
  const { curve, d } = ecPrivate(source);
  const param = cmd.data.subarray(1);
  if (cmd.data[0] !== ALGO_EC_DERIVE || param.length === 0 || param.length > curve.n.length)
    throw new CardStatus(SW.INCORRECT_DATA, 'expected 98 ‖ parameter of 1..|n| bytes');
  const n = toBigInt(curve.n);
  const derived = mod(toBigInt(d) + toBigInt(param), n);
  if (derived === 0n) throw new CardStatus(SW.INCORRECT_DATA, 'the derived scalar is zero');
  const record: KeyRecord = {
    kind: 'ec',
    material: encodeEcPkcs8(curve, fromBigInt(derived, curve.n.length)),
    bits: source.bits,
    curve: curve.name,
    ...(source.algorithms === undefined ? {} : { algorithms: Uint8Array.from(source.algorithms) }),
    ...(source.domain === undefined ? {} : { domain: source.domain }),
  };
  ctx.state.keys.set(cmd.p2, record);
  spendUse(source);
  return { sw: SW.OK };
};
