/**
 * A key on the card where Node programs expect one: `createSigner(card, ref)` gives an object with the
 * public key as a node:crypto KeyObject, the algorithm named both ways (node:crypto's hash and
 * options, and the JOSE `alg` of RFC 7518 §3.1), and `sign(data)` that hashes on the host and signs
 * on the card (sign-message.ts). What it signs verifies with node:crypto as is:
 *
 *   const signer = await createSigner(card, 1);                       // EC P-256 → ECDSA-SHA256, ES256
 *   const sig = await signer.sign(data);
 *   crypto.verify(signer.hash, data, signer.verifyKey, sig);           // true
 *
 * With `dsaEncoding: 'ieee-p1363'` an ECDSA signature is r‖s (what JWS and WebCrypto use) instead of
 * the DER SEQUENCE the card returns. The PIN is the caller's business (verifyPin before signing).
 */
import { constants, type KeyObject } from 'node:crypto';
import type { HashName } from './commands/sign.ts';
import { curveByName } from './curves.ts';
import { ecdsaDerToRaw } from './formats/ecdsa-signature.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { exportPublicKey } from './keys.ts';
import { parseMechanism, signMessage, type MechanismHash, type MessageMechanism } from './sign-message.ts';
import type { CardSession } from './session.ts';

/** JOSE algorithm names (RFC 7518 §3.1, RFC 8812 §3.2 for ES256K) a card key can sign with. */
export type JwsAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'ES256K' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** How an ECDSA signature is encoded: DER SEQUENCE { r, s } (node:crypto's default) or r‖s (JWS, WebCrypto). */
export type DsaEncoding = 'der' | 'ieee-p1363';

export interface SignerOptions {
  /** Hash applied on the host (default: by key, sha256 for RSA and 256-bit curves, sha384 / sha512 above). */
  readonly hash?: Exclude<HashName, 'sha1' | 'sha224'>;
  /** RSA padding (default `pkcs1`, PKCS#1 v1.5); `pss` uses salt length = hash length, MGF1 with the same hash. */
  readonly padding?: 'pkcs1' | 'pss';
  /** ECDSA signature encoding (default `der`). */
  readonly dsaEncoding?: DsaEncoding;
}

/** A signing key on the card, in node:crypto's and JOSE's terms. */
export interface CardSigner {
  /** Key reference on the card. */
  readonly ref: number;
  /** The public key (node:crypto KeyObject). */
  readonly publicKey: KeyObject;
  /** `ec` or `rsa`. */
  readonly keyType: 'ec' | 'rsa';
  /** The hash node:crypto's `verify(hash, data, verifyKey, signature)` takes. */
  readonly hash: HashName;
  /** The schsm mechanism (`ECDSA-SHA256`, `SHA256-RSA-PKCS`, `RSA-PSS-SHA256`), as `schsm keys sign --mechanism` takes it. */
  readonly mechanism: MessageMechanism;
  /** JOSE `alg` (RFC 7518); undefined for curves JOSE names no algorithm for (brainpool). */
  readonly jwsAlgorithm: JwsAlgorithm | undefined;
  /** ECDSA encoding of `sign`'s result (`der` for RSA keys, where it does not apply). */
  readonly dsaEncoding: DsaEncoding;
  /** `{ key, padding, saltLength, dsaEncoding }` for node:crypto `verify`, matching what `sign` returns. */
  readonly verifyKey: {
    readonly key: KeyObject;
    readonly dsaEncoding?: DsaEncoding;
    readonly padding?: number;
    readonly saltLength?: number;
  };
  /** Hash `data` on the host and sign it with the key on the card (SIGN, §3.13). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const EC_JWS: Readonly<Record<string, Partial<Record<HashName, JwsAlgorithm>>>> = {
  prime256v1: { sha256: 'ES256' },
  secp384r1: { sha384: 'ES384' },
  secp521r1: { sha512: 'ES512' },
  secp256k1: { sha256: 'ES256K' },
};

function defaultEcHash(bits: number): 'sha256' | 'sha384' | 'sha512' {
  if (bits <= 256) return 'sha256';
  return bits <= 384 ? 'sha384' : 'sha512';
}

/**
 * The signer for key `ref` (its public key is read from EF CExx). Throws InvalidArgumentError for a
 * key that is neither RSA nor EC, or for `padding`/`dsaEncoding` that do not fit the key.
 */
export async function createSigner(card: CardSession, ref: number, options: SignerOptions = {}): Promise<CardSigner> {
  const publicKey = await exportPublicKey(card, ref);
  const type = publicKey.asymmetricKeyType;
  if (type === 'ec') {
    if (options.padding !== undefined) throw new InvalidArgumentError(`key ${ref} is an EC key: padding does not apply`);
    const curveName = publicKey.asymmetricKeyDetails?.namedCurve ?? '';
    const curve = curveByName(curveName);
    if (curve === undefined)
      throw new InvalidArgumentError(`key ${ref} is on curve ${curveName || '(unnamed)'}, which the card does not sign with`);
    const hash = options.hash ?? defaultEcHash(curve.bits);
    const dsaEncoding = options.dsaEncoding ?? 'der';
    const mechanism = parseMechanism(`ECDSA-${hash.toUpperCase() as MechanismHash}`);
    return {
      ref,
      publicKey,
      keyType: 'ec',
      hash,
      mechanism,
      jwsAlgorithm: EC_JWS[curve.name]?.[hash],
      dsaEncoding,
      verifyKey: { key: publicKey, dsaEncoding },
      async sign(data) {
        const der = await signMessage(card, ref, mechanism, data);
        return dsaEncoding === 'der' ? der : ecdsaDerToRaw(der, curve.fieldBytes);
      },
    };
  }
  if (type === 'rsa') {
    if (options.dsaEncoding === 'ieee-p1363') throw new InvalidArgumentError(`key ${ref} is an RSA key: dsaEncoding applies to ECDSA only`);
    const hash = options.hash ?? 'sha256';
    const pss = options.padding === 'pss';
    const mechanism = parseMechanism(
      pss ? `RSA-PSS-${hash.toUpperCase() as MechanismHash}` : `${hash.toUpperCase() as MechanismHash}-RSA-PKCS`,
    );
    const bits = hash.slice(3) as '256' | '384' | '512';
    return {
      ref,
      publicKey,
      keyType: 'rsa',
      hash,
      mechanism,
      jwsAlgorithm: `${pss ? 'PS' : 'RS'}${bits}`,
      dsaEncoding: 'der',
      verifyKey: pss
        ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      sign: (data) => signMessage(card, ref, mechanism, data),
    };
  }
  throw new InvalidArgumentError(`key ${ref} is a ${type ?? 'unknown'} key: only RSA and EC keys sign`);
}
