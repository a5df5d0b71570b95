/**
 * Proof that a key on the card is the one we think it is, by using it (for replication and restores):
 *   RSA / EC: SIGN a fresh random challenge (SHA-256, host-hashed) and verify it with the expected
 *             public key — only the matching private key can produce it;
 *   AES:      AES-CMAC of a random challenge on two cards must agree (same secret key).
 * A key whose allowed-algorithm list forbids the operation cannot be proven this way ('not-checked').
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { aesCmac } from './commands/cipher-symmetric.ts';
import { AlgorithmNotAllowedError } from './errors.ts';
import { parseMechanism, signMessage, verifyMessageSignature } from './sign-message.ts';
import type { CardSession } from './session.ts';

export type KeyProof =
  | { readonly result: 'verified'; readonly method: string }
  | { readonly result: 'mismatch'; readonly method: string }
  | { readonly result: 'not-checked'; readonly reason: string };

/** Sign a random challenge with key `ref` and check it with `publicKey`. */
export async function proveKeyPair(card: CardSession, ref: number, publicKey: KeyObject): Promise<KeyProof> {
  const rsa = publicKey.asymmetricKeyType === 'rsa';
  const mech = parseMechanism(rsa ? 'SHA256-RSA-PKCS' : 'ECDSA-SHA256');
  const challenge = new Uint8Array(randomBytes(32));
  try {
    const sig = await signMessage(card, ref, mech, challenge);
    const ok = verifyMessageSignature(mech, challenge, sig, publicKey) === true;
    return { result: ok ? 'verified' : 'mismatch', method: `${mech.name} signature over a random challenge` };
  } catch (err) {
    if (err instanceof AlgorithmNotAllowedError) return { result: 'not-checked', reason: `the key does not allow ${mech.name}` };
    throw err;
  }
}

/** A random challenge and its AES-CMAC by key `ref` (compare with `aesCmac` on the other card). */
export async function aesFingerprint(
  card: CardSession,
  ref: number,
  challenge: Uint8Array = new Uint8Array(randomBytes(32)),
): Promise<{ challenge: Uint8Array; cmac: Uint8Array | undefined }> {
  try {
    return { challenge, cmac: await aesCmac(card, ref, challenge) };
  } catch (err) {
    if (err instanceof AlgorithmNotAllowedError) return { challenge, cmac: undefined };
    throw err;
  }
}

/** Compare an AES key on `card` with a CMAC computed by the original. */
export async function proveAesKey(
  card: CardSession,
  ref: number,
  original: { challenge: Uint8Array; cmac: Uint8Array | undefined },
): Promise<KeyProof> {
  if (original.cmac === undefined) return { result: 'not-checked', reason: 'the key does not allow AES-CMAC' };
  const mine = await aesFingerprint(card, ref, original.challenge);
  if (mine.cmac === undefined) return { result: 'not-checked', reason: 'the key does not allow AES-CMAC' };
  const same = Buffer.from(mine.cmac).equals(Buffer.from(original.cmac));
  return { result: same ? 'verified' : 'mismatch', method: 'AES-CMAC over a random challenge on both cards' };
}
