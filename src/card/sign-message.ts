/**
 * Sign a message of any length with a key on the card, by mechanism name (pkcs11-tool's names plus
 * the short forms operators type: "ECDSA-SHA256", "SHA256-RSA-PKCS", "RSA-PSS-SHA256" …).
 *
 * The host computes the hash and the card signs it with a hash-input algorithm (§4): ECDSA `70`,
 * RSA PKCS#1 v1.5 `30` (DigestInfo), RSA-PSS `40` (the card knows the hash by its length, salt = hash
 * length, MGF1 with the same hash, §3.13). So the message size is never limited by the APDU buffer,
 * and one SIGN APDU carries at most a 83-byte DigestInfo. `ECDSA`, `RSA-PKCS` and `RSA-X-509` take
 * a prepared input (hash, DigestInfo, padded block) as is. Answers: RSA signature bytes; ECDSA as the
 * card's DER SEQUENCE { r, s } (what OpenSSL verifies), convertible to r‖s with ecdsaDerToRaw.
 */
import { constants, createHash, verify, type KeyObject } from 'node:crypto';
import { sign, digestInfo, type HashName, type SignMechanism } from './commands/sign.ts';
import { InvalidArgumentError } from './host-errors.ts';
import type { CardSession } from './session.ts';
import type { LiteralOr } from './literal.ts';

/** The hashes of the mechanism names. */
export type MechanismHash = 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512';

/** Canonical mechanism names (what `MessageMechanism.name` says). */
export type MechanismName =
  | `ECDSA-${MechanismHash}`
  | `${MechanismHash}-RSA-PKCS`
  | `RSA-PSS-${MechanismHash}`
  | 'ECDSA'
  | 'RSA-PKCS'
  | 'RSA-X-509';

/** Every spelling parseMechanism and signMessage accept: the canonical names and pkcs11-tool's. */
export type MechanismSpelling = MechanismName | `RSA-PKCS-${MechanismHash}` | `${MechanismHash}-RSA-PKCS-PSS` | 'RSA-RAW';

export interface MessageMechanism {
  /** Canonical name, e.g. "ECDSA-SHA256". */
  readonly name: MechanismName;
  readonly family: 'ecdsa' | 'rsa-pkcs1' | 'rsa-pss' | 'rsa-raw';
  /** Hash the host applies to the message; undefined = the input is already prepared. */
  readonly hash: HashName | undefined;
}

const HASHES: readonly HashName[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function table(): Map<string, MessageMechanism> {
  const m = new Map<string, MessageMechanism>();
  const add = (names: MechanismSpelling[], mech: MessageMechanism): void => {
    for (const n of names) m.set(n.toUpperCase(), mech);
  };
  for (const h of HASHES) {
    const H = h.toUpperCase() as MechanismHash;
    add([`ECDSA-${H}`], { name: `ECDSA-${H}`, family: 'ecdsa', hash: h });
    add([`${H}-RSA-PKCS`, `RSA-PKCS-${H}`], { name: `${H}-RSA-PKCS`, family: 'rsa-pkcs1', hash: h });
    add([`${H}-RSA-PKCS-PSS`, `RSA-PSS-${H}`], { name: `RSA-PSS-${H}`, family: 'rsa-pss', hash: h });
  }
  add(['ECDSA'], { name: 'ECDSA', family: 'ecdsa', hash: undefined });
  add(['RSA-PKCS'], { name: 'RSA-PKCS', family: 'rsa-pkcs1', hash: undefined });
  add(['RSA-X-509', 'RSA-RAW'], { name: 'RSA-X-509', family: 'rsa-raw', hash: undefined });
  return m;
}

const MECHANISMS = table();

/** Names accepted by `parseMechanism` (canonical ones). */
export const MECHANISM_NAMES: readonly MechanismName[] = [...new Set([...MECHANISMS.values()].map((m) => m.name))];

/**
 * Look a mechanism up by name (case-insensitive). A literal is checked at compile time
 * (MechanismSpelling), text from a user at run time (InvalidArgumentError).
 */
export function parseMechanism<const T extends string>(name: T & LiteralOr<T, MechanismSpelling>): MessageMechanism {
  const m = MECHANISMS.get(name.trim().toUpperCase());
  if (m === undefined)
    throw new InvalidArgumentError(`unknown signature mechanism ${JSON.stringify(name)}`, `use one of ${MECHANISM_NAMES.join(', ')}`);
  return m;
}

/** What goes to the card: the hash-input mechanism and its data. */
export function signInput(mech: MessageMechanism, message: Uint8Array): { mechanism: SignMechanism; data: Uint8Array } {
  const digest = mech.hash === undefined ? message : new Uint8Array(createHash(mech.hash).update(message).digest());
  switch (mech.family) {
    case 'ecdsa':
      return { mechanism: { kind: 'ecdsa' }, data: digest };
    case 'rsa-pss':
      return { mechanism: { kind: 'rsa-pss' }, data: digest };
    case 'rsa-raw':
      return { mechanism: { kind: 'rsa-raw' }, data: message };
    case 'rsa-pkcs1':
      return { mechanism: { kind: 'rsa-pkcs1' }, data: mech.hash === undefined ? message : digestInfo(mech.hash, digest) };
  }
}

/** SIGN `80 68 <ref> <70|30|40|20> …` over the host-hashed message (§3.13). */
export async function signMessage(
  card: CardSession,
  keyRef: number,
  mech: MessageMechanism | MechanismSpelling,
  message: Uint8Array,
): Promise<Uint8Array> {
  const { mechanism, data } = signInput(typeof mech === 'string' ? parseMechanism(mech) : mech, message);
  return sign(card, keyRef, mechanism, data);
}

/**
 * Check a signature made by `signMessage` with the public key (DER ECDSA as the card returns it).
 * Returns undefined when it cannot be checked host-side (prepared inputs without a known hash).
 */
export function verifyMessageSignature(
  mech: MessageMechanism,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject,
): boolean | undefined {
  if (mech.hash === undefined) return undefined;
  const options =
    mech.family === 'rsa-pss'
      ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : { key: publicKey, dsaEncoding: 'der' as const };
  try {
    return verify(mech.hash, message, options, signature);
  } catch {
    return false;
  }
}
