import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SW } from '../../apdu/status-words.ts';
import { requireUserPin } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import type { KeyRecord, SimContext } from '../types.ts';
import { type EcPrivate, decodeEcPkcs8 } from './ec-key.ts';

/**
 * The checks every key-using command makes, in one order (§3.13, §13: CardContact's status words):
 * user PIN verified (6982) → key exists (6A82) → algorithm fits the key type and its allowed list
 * (6A81) → use counter not exhausted (6984). The counter is spent only after the operation worked.
 */

export { requireUserPin };

/** Look up key `keyId` for `algorithm` (P2, §4); `kinds` = key types the algorithm works with. */
export function keyForUse(ctx: SimContext, keyId: number, algorithm: number, kinds: readonly KeyRecord['kind'][]): KeyRecord {
  requireUserPin(ctx);
  const key = ctx.state.keys.get(keyId);
  if (key === undefined) throw new CardStatus(SW.FILE_NOT_FOUND, `no key ${keyId}`);
  if (!kinds.includes(key.kind))
    throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, `algorithm ${algorithm.toString(16)} does not fit a ${key.kind} key`);
  if (key.algorithms !== undefined && key.algorithms.length > 0 && !key.algorithms.includes(algorithm)) {
    throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, `algorithm ${algorithm.toString(16)} not allowed for key ${keyId}`);
  }
  if (key.useCounter !== undefined && key.useCounter <= 0)
    throw new CardStatus(SW.REFERENCE_DATA_NOT_USABLE, `key ${keyId} use counter exhausted`);
  return key;
}

/** Count one use of a key that has a use counter (tag 90). */
export function spendUse(key: KeyRecord): void {
  if (key.useCounter !== undefined) key.useCounter -= 1;
}

const keyObjects = new WeakMap<Uint8Array, KeyObject>();

/** node KeyObject for an RSA/EC record's PKCS#8 material, cached per material buffer. */
export function privateKeyObject(key: KeyRecord): KeyObject {
  let k = keyObjects.get(key.material);
  if (k === undefined) {
    k = createPrivateKey({ key: Buffer.from(key.material), format: 'der', type: 'pkcs8' });
    keyObjects.set(key.material, k);
  }
  return k;
}

const ecKeys = new WeakMap<Uint8Array, EcPrivate>();

/** Curve, scalar and public point of an EC record, cached per material buffer. */
export function ecPrivate(key: KeyRecord): EcPrivate {
  let k = ecKeys.get(key.material);
  if (k === undefined) {
    k = decodeEcPkcs8(key.material);
    ecKeys.set(key.material, k);
  }
  return k;
}
