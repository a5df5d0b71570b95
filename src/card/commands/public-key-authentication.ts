import { decodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError, MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/** Public key authentication (M-of-N) state: `[total][missing][required][authenticated]` (§3.20). */
export interface PkaStatus {
  readonly total: number;
  readonly missing: number;
  readonly required: number;
  readonly authenticated: number;
}

function parse(data: Uint8Array, operation: string): PkaStatus {
  if (data.length < 4) throw new MalformedResponseError(operation, `expected 4 status bytes, got ${data.length}`);
  return { total: data[0] ?? 0, missing: data[1] ?? 0, required: data[2] ?? 0, authenticated: data[3] ?? 0 };
}

/** Status: `80 54 00 00 00` — Le 00 as the user manual requires (OpenSC sends 04; §1.3, §3.20). */
export async function publicKeyAuthenticationStatus(card: CardSession): Promise<PkaStatus> {
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.PUBLIC_KEY_AUTHENTICATION, p1: 0, p2: 0, ne: 256, form: 'short' } as const;
  return parse((await card.send(cmd, { operation: 'PUBLIC KEY AUTHENTICATION status' })).data, 'PUBLIC KEY AUTHENTICATION status');
}

/**
 * Register a public key: `80 54 00 00 Lc <content of the 67 authenticated request> 00` (§3.20). The
 * issuer chain must be known to the card first (MSE + PSO VERIFY CERTIFICATE).
 */
export async function registerPublicKey(card: CardSession, authenticatedRequest: Uint8Array): Promise<PkaStatus> {
  const tlv = decodeTlv(authenticatedRequest);
  if (tlv.tag !== 0x67) throw new InvalidArgumentError('registering a public key needs an authenticated request (tag 67)');
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.PUBLIC_KEY_AUTHENTICATION, p1: 0, p2: 0, data: tlv.value.slice(), ne: 256 };
  return parse((await card.send(cmd, { operation: 'PUBLIC KEY AUTHENTICATION register' })).data, 'PUBLIC KEY AUTHENTICATION register');
}
