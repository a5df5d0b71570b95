import type { KeyObject } from 'node:crypto';
import { CLA, INS } from '../constants.ts';
import { parseAuthenticatedRequest, type AuthenticatedRequest } from '../cvc.ts';
import { cvcPublicKeyToKeyObject } from '../cvc-key.ts';
import { encodeGakpData, requireCurve, type GakpDataOptions } from '../gakp-data.ts';
import { InvalidArgumentError, MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

export interface GenerateKeyPairOptions extends GakpDataOptions {
  /** Reference of the new key (P1), 1..255. An existing key with this reference is replaced. */
  readonly ref: number;
  /** Key that signs the outer request (P2); default 0 = the device key (§3.11). */
  readonly signKeyRef?: number;
}

export interface GeneratedKeyPair {
  readonly ref: number;
  readonly publicKey: KeyObject;
  /** The decoded authenticated CV request the card answered (and stored in CE<keyRef>). */
  readonly request: AuthenticatedRequest;
}

/**
 * GENERATE ASYMMETRIC KEY PAIR `00 46 <keyRef> <signKeyRef> 00 Lc(2) <7F4E content> 00 00`: case 4E with
 * Le 0000 as the card requires (§1.3, §3.11, §11.2). The answer is the authenticated request `67 …`,
 * which the card also stores in EF CE<keyRef> (§3.11); the public key is taken from it.
 */
export async function generateAsymmetricKeyPair(card: CardSession, options: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  const { ref: keyRef } = options;
  if (!Number.isInteger(keyRef) || keyRef < 1 || keyRef > 255)
    throw new InvalidArgumentError(`key reference must be 1..255, got ${keyRef}`);
  const data = encodeGakpData(options);
  const cmd = {
    cla: CLA.ISO,
    ins: INS.GENERATE_ASYMMETRIC_KEY_PAIR,
    p1: keyRef,
    p2: options.signKeyRef ?? 0,
    data,
    ne: 0x10000,
    form: 'extended',
  } as const;
  const res = await card.send(cmd, { operation: `GENERATE ASYMMETRIC KEY PAIR for key ${keyRef}`, keyRef });
  let request: AuthenticatedRequest;
  try {
    request = parseAuthenticatedRequest(res.data);
  } catch (cause) {
    throw new MalformedResponseError('GENERATE ASYMMETRIC KEY PAIR', 'the answer is not an authenticated CV request', cause);
  }
  const inherited = options.key.kind === 'ec' ? requireCurve(options.key.curve) : undefined;
  return { ref: keyRef, publicKey: cvcPublicKeyToKeyObject(request.request.body.publicKey, inherited), request };
}
