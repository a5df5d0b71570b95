/**
 * Does a certificate belong to key xx? Two ways, cheapest first:
 *   compare   the key's public key as the card knows it (CExx: the CV request of key generation or an
 *             X.509 certificate, keys.ts) with the certificate's SubjectPublicKeyInfo — no PIN;
 *   prove     when CExx holds no public key (a key imported without certificate): SIGN a random
 *             challenge with key xx and verify it with the certificate's public key (key-proof.ts) —
 *             the user PIN must be verified.
 */
import type { KeyObject } from 'node:crypto';
import { certificateMatchesKey, type X509Summary } from './formats/x509.ts';
import { proveKeyPair } from './key-proof.ts';
import { describeKey, type KeyInfo } from './keys.ts';
import type { CardSession } from './session.ts';

export type KeyMatch =
  | { readonly result: 'match' | 'mismatch'; readonly method: string }
  | { readonly result: 'unknown'; readonly reason: string };

/** Compare with the public key the card holds for the key; 'unknown' when it holds none. */
export function compareWithKey(key: Pick<KeyInfo, 'publicKey' | 'certificate' | 'kind'>, cert: X509Summary): KeyMatch {
  const certKind = cert.publicKey.asymmetricKeyType;
  if (key.kind !== 'unknown' && key.kind !== certKind)
    return { result: 'mismatch', method: `the key is ${key.kind.toUpperCase()}, the certificate's key ${String(certKind).toUpperCase()}` };
  if (key.publicKey === undefined) return { result: 'unknown', reason: 'the card holds no public key for it' };
  const source = key.certificate === 'cv-request' ? 'the CV request from key generation' : 'the certificate stored with it';
  return { result: certificateMatchesKey(cert, key.publicKey) ? 'match' : 'mismatch', method: `public key compared with ${source}` };
}

/** Compare, else prove by a signature (needs the user PIN verified). */
export async function matchCertificateToKey(card: CardSession, ref: number, cert: X509Summary): Promise<KeyMatch> {
  const compared = compareWithKey(await describeKey(card, ref), cert);
  if (compared.result !== 'unknown') return compared;
  return proveWith(card, ref, cert.publicKey);
}

async function proveWith(card: CardSession, ref: number, publicKey: KeyObject): Promise<KeyMatch> {
  if (publicKey.asymmetricKeyType !== 'rsa' && publicKey.asymmetricKeyType !== 'ec')
    return { result: 'unknown', reason: `a ${publicKey.asymmetricKeyType ?? 'non-RSA/EC'} certificate key cannot be checked on the card` };
  const p = await proveKeyPair(card, ref, publicKey);
  if (p.result === 'not-checked') return { result: 'unknown', reason: p.reason };
  return {
    result: p.result === 'verified' ? 'match' : 'mismatch',
    method: `${p.method} ${p.result === 'verified' ? 'verifies' : 'does NOT verify'} with the certificate`,
  };
}
