/**
 * PKCS#10 requests and self-signed X.509 v3 certificates signed by a key on the card (issue 12 item 3).
 * The DER is built on the host (formats/x509-build.ts); the card signs the to-be-signed bytes with the
 * key (sign-message.ts: the host hashes, SIGN with a hash-input algorithm, §3.13), and the signature is
 * verified with the key's public key before anything is returned — a key that is not the one the card
 * describes, or a signature the card got wrong, never leaves as a certificate.
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { decodeTlv, decodeTlvs } from '../apdu/tlv.ts';
import { spkiDer } from './formats/public-key.ts';
import {
  encodeExtensions,
  encodeName,
  encodeRequestInfo,
  encodeTbsCertificate,
  signed,
  type KeyUsageName,
  type SignatureHash,
  type SignatureScheme,
} from './formats/x509-build.ts';
import { curveOfKey } from './cvc-key.ts';
import { InvalidArgumentError, MalformedResponseError } from './host-errors.ts';
import { parseMechanism, signMessage, verifyMessageSignature } from './sign-message.ts';
import type { CardSession } from './session.ts';

/** Default: SHA-256 with PKCS#1 v1.5 for RSA; ECDSA with the hash that fits the curve (256 → SHA-256, 384 → SHA-384, larger → SHA-512). */
export function defaultScheme(publicKey: KeyObject): SignatureScheme {
  if (publicKey.asymmetricKeyType === 'rsa') return { family: 'rsa-pkcs1', hash: 'sha256' };
  const bits = curveOfKey(publicKey).bits;
  return { family: 'ecdsa', hash: bits <= 256 ? 'sha256' : bits <= 384 ? 'sha384' : 'sha512' };
}

/** A scheme from a mechanism name as `keys sign --alg` takes it (SHA256-RSA-PKCS, RSA-PSS-SHA384, ECDSA-SHA256 …), checked against the key. */
export function schemeFromMechanism(name: string, publicKey: KeyObject): SignatureScheme {
  const m = parseMechanism(name);
  if (m.hash === undefined || m.hash === 'sha1' || m.family === 'rsa-raw')
    throw new InvalidArgumentError(
      `${m.name} cannot sign a certificate`,
      'use SHA-224…SHA-512: SHA256-RSA-PKCS, RSA-PSS-SHA256, ECDSA-SHA256 …',
    );
  const rsa = publicKey.asymmetricKeyType === 'rsa';
  if (rsa !== (m.family !== 'ecdsa')) throw new InvalidArgumentError(`${m.name} does not fit a ${rsa ? 'RSA' : 'EC'} key`);
  return { family: m.family as SignatureScheme['family'], hash: m.hash as SignatureHash };
}

function mechanismName(s: SignatureScheme): string {
  const h = s.hash.toUpperCase();
  return s.family === 'ecdsa' ? `ECDSA-${h}` : s.family === 'rsa-pss' ? `RSA-PSS-${h}` : `${h}-RSA-PKCS`;
}

/** Sign `tbs` with key `ref` and wrap it; the signature must verify with `publicKey`. User PIN verified. */
async function signOnCard(
  card: CardSession,
  ref: number,
  publicKey: KeyObject,
  scheme: SignatureScheme,
  tbs: Uint8Array,
): Promise<Uint8Array> {
  const mech = parseMechanism(mechanismName(scheme));
  const sig = await signMessage(card, ref, mech, tbs);
  if (verifyMessageSignature(mech, tbs, sig, publicKey) !== true)
    throw new MalformedResponseError(`sign with key ${ref}`, `the ${mech.name} signature does not verify with the key's public key`);
  return signed(tbs, scheme, sig);
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 (1)). */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const bits = decodeTlvs(decodeTlv(spki).value)[1]?.value ?? new Uint8Array(0);
  return new Uint8Array(createHash('sha1').update(bits.subarray(1)).digest());
}

export interface RequestOptions {
  readonly subject: string;
  readonly san?: readonly string[] | undefined;
  readonly scheme?: SignatureScheme | undefined;
}

/** A PKCS#10 request (DER) for key `ref` with public key `publicKey`, signed on the card. */
export async function createCertificateRequest(
  card: CardSession,
  ref: number,
  publicKey: KeyObject,
  o: RequestOptions,
): Promise<Uint8Array> {
  const info = encodeRequestInfo(encodeName(o.subject), spkiDer(publicKey), encodeExtensions({ san: o.san }));
  return signOnCard(card, ref, publicKey, o.scheme ?? defaultScheme(publicKey), info);
}

export interface SelfSignOptions extends RequestOptions {
  readonly days: number;
  readonly ca?: boolean | undefined;
  /** Default: keyCertSign, cRLSign, digitalSignature with --ca; digitalSignature otherwise. */
  readonly keyUsage?: readonly KeyUsageName[] | undefined;
  /** Validity start (default now). */
  readonly notBefore?: Date | undefined;
  /** Default 16 random bytes, positive. */
  readonly serial?: Uint8Array | undefined;
}

function randomSerial(): Uint8Array {
  const s = new Uint8Array(randomBytes(16));
  s[0] = ((s[0] ?? 0) & 0x7f) | 0x40;
  return s;
}

/** A self-signed X.509 v3 certificate (DER) for key `ref`, signed on the card. */
export async function createSelfSignedCertificate(
  card: CardSession,
  ref: number,
  publicKey: KeyObject,
  o: SelfSignOptions,
): Promise<Uint8Array> {
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 36525) throw new InvalidArgumentError(`--days must be 1..36525, got ${o.days}`);
  const spki = spkiDer(publicKey);
  const name = encodeName(o.subject);
  const notBefore = new Date(Math.floor((o.notBefore ?? new Date()).getTime() / 1000) * 1000);
  const scheme = o.scheme ?? defaultScheme(publicKey);
  const keyUsage =
    o.keyUsage ?? (o.ca === true ? (['digitalSignature', 'keyCertSign', 'cRLSign'] as const) : (['digitalSignature'] as const));
  const tbs = encodeTbsCertificate({
    serial: o.serial ?? randomSerial(),
    scheme,
    issuer: name,
    subject: name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + o.days * 86_400_000),
    spki,
    extensions: encodeExtensions({ ca: o.ca === true, keyUsage, san: o.san, keyId: keyIdentifier(spki) }),
  });
  return signOnCard(card, ref, publicKey, scheme, tbs);
}
