import { timingSafeEqual } from 'node:crypto';
import { SW } from '../apdu/status-words.ts';
import type { PinRecord } from './types.ts';

/**
 * Retry-counter logic shared by VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and a
 * re-INITIALIZE (§3.6, §7). Counter sequence with 3 tries: wrong → 63C2, wrong → 63C1, wrong → 6983
 * (the last failure answers "blocked", not 63C0); a blocked PIN answers 6983 without comparing;
 * a correct value restores the counter to its maximum.
 */

/** SW of a PIN status query: 6983 blocked, else 63Cx (x = tries left). */
export function pinStatus(pin: PinRecord): number {
  return pin.retries === 0 ? SW.AUTHENTICATION_METHOD_BLOCKED : 0x63c0 | Math.min(pin.retries, 15);
}

/** Constant-time comparison of equal-length values; different lengths never match. */
function matches(stored: Uint8Array, candidate: Uint8Array): boolean {
  return stored.length === candidate.length && timingSafeEqual(stored, candidate);
}

/** Check `candidate` against `pin`, updating its counter. Returns 9000, 63Cx or 6983. */
export function checkPin(pin: PinRecord, candidate: Uint8Array): number {
  if (pin.retries === 0) return SW.AUTHENTICATION_METHOD_BLOCKED;
  if (matches(pin.value, candidate)) {
    pin.retries = pin.max;
    return SW.OK;
  }
  pin.retries -= 1;
  return pin.retries === 0 ? SW.AUTHENTICATION_METHOD_BLOCKED : 0x63c0 | Math.min(pin.retries, 15);
}
