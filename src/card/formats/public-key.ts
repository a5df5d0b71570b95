/**
 * Public keys of blob contents as node KeyObjects, their SubjectPublicKeyInfo DER and its SHA-256
 * fingerprint. The SPKI encoding itself is the card layer's (cvc-key.ts: RSA via JWK, EC via a
 * named-curve SPKI, RFC 5480).
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CurveParams } from '../curves.ts';
import { ecSpki } from '../cvc-key.ts';

/** EC public key on a named curve; OpenSSL rejects points that are not on the curve. */
export function ecPublicKey(curve: CurveParams, point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(ecSpki(curve, point)), format: 'der', type: 'spki' });
}

/** SPKI DER of any public KeyObject. */
export function spkiDer(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

/**
 * SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex (as `sha256sum` and `openssl dgst` print
 * it): of the DER given, or of a public KeyObject (what exportPublicKey, listKeys and generateKey return).
 */
export function spkiFingerprint(spki: Uint8Array | KeyObject): string {
  return createHash('sha256')
    .update(spki instanceof Uint8Array ? spki : spkiDer(spki))
    .digest('hex');
}
