import { concat } from '../../apdu/hex.ts';
import { CLA, INS, MAX_CHALLENGE_PER_CALL } from '../constants.ts';
import { InvalidArgumentError, MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/**
 * GET CHALLENGE `00 84 00 00 <Le>` (§3.19): `length` random bytes from the card's RNG, at most 1024
 * per command like OpenSC (§1.4), looping for more. Le is short up to 256, else extended `00 hi lo`.
 */
export async function getChallenge(card: CardSession, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > 0x100000)
    throw new InvalidArgumentError(`challenge length must be 1..1048576, got ${length}`);
  const parts: Uint8Array[] = [];
  for (let left = length; left > 0; ) {
    const n = Math.min(left, MAX_CHALLENGE_PER_CALL, card.limits.shortOnly ? 256 : MAX_CHALLENGE_PER_CALL);
    const res = await card.send({ cla: CLA.ISO, ins: INS.GET_CHALLENGE, p1: 0, p2: 0, ne: n }, { operation: `GET CHALLENGE ${n}` });
    if (res.data.length !== n) throw new MalformedResponseError('GET CHALLENGE', `asked for ${n} bytes, got ${res.data.length}`);
    parts.push(res.data);
    left -= n;
  }
  return concat(...parts);
}
