import { concat, fromHex } from '../../apdu/hex.ts';
import { ALGO, CLA, INS } from '../constants.ts';
import { ecdsaDerToRaw } from '../formats/ecdsa-signature.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/**
 * Signature mechanisms (§4). With `hash` the card hashes the data itself (31..35, 41..45, 71..75);
 * without it the input is: a DigestInfo (rsa-pkcs1, 30), a hash (rsa-pss 40, ecdsa 70), or the
 * fully padded block (rsa-raw, 20). SHA-224 with RSA (32, 42) is pico-only.
 */
export type SignMechanism =
  | { readonly kind: 'rsa-raw' }
  | { readonly kind: 'rsa-pkcs1'; readonly hash?: HashName }
  | { readonly kind: 'rsa-pss'; readonly hash?: HashName }
  | { readonly kind: 'ecdsa'; readonly hash?: HashName };

const HASH_OFFSET: Readonly<Record<HashName, number>> = { sha1: 1, sha224: 2, sha256: 3, sha384: 4, sha512: 5 };
const BASE = { 'rsa-pkcs1': ALGO.RSA_PKCS1_V15, 'rsa-pss': ALGO.RSA_PSS, ecdsa: ALGO.ECDSA } as const;

/** Algorithm id (P2) of a mechanism: 20, 30..35, 40..45, 70..75. */
export function signAlgorithmId(m: SignMechanism): number {
  if (m.kind === 'rsa-raw') return ALGO.RSA_RAW;
  return BASE[m.kind] + (m.hash === undefined ? 0 : HASH_OFFSET[m.hash]);
}

/** DER prefixes of DigestInfo { AlgorithmIdentifier, OCTET STRING digest } (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, string>> = {
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** DigestInfo for `rsa-pkcs1` without `hash` (algorithm 30). */
export function digestInfo(hash: HashName, digest: Uint8Array): Uint8Array {
  const prefix = fromHex(DIGEST_INFO_PREFIX[hash]);
  if (digest.length !== prefix[prefix.length - 1])
    throw new InvalidArgumentError(`a ${hash} digest is ${prefix[prefix.length - 1]} bytes, got ${digest.length}`);
  return concat(prefix, digest);
}

/**
 * SIGN `80 68 <keyRef> <algo> 00 Lc(2) <data> 02 00`: case 4E with Le 0200 = 512 like OpenSC (§1.3,
 * §3.13) — enough for RSA-4096 (512 bytes). Returns the card's answer as is: the RSA signature, or for
 * ECDSA a DER SEQUENCE { r, s } (convert with the formats helper when r‖s is needed).
 */
export async function sign(card: CardSession, keyRef: number, mechanism: SignMechanism, data: Uint8Array): Promise<Uint8Array> {
  const algo = signAlgorithmId(mechanism);
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.SIGN, p1: keyRef, p2: algo, data, ne: 512, form: 'extended' } as const;
  const res = await card.send(cmd, { operation: `SIGN with key ${keyRef} (algorithm ${algo.toString(16).toUpperCase()})`, keyRef });
  return res.data;
}

/**
 * ECDSA via SIGN (algorithm 70 with a hash as input, or 71..75 hashing on the card): the card's DER
 * SEQUENCE { r, s } and the same as r‖s, each half `fieldBytes` long (⌈bits/8⌉; 66 for P-521, §3.13).
 */
export async function signEcdsa(
  card: CardSession,
  keyRef: number,
  data: Uint8Array,
  options: { readonly fieldBytes: number; readonly hash?: HashName },
): Promise<{ der: Uint8Array; raw: Uint8Array }> {
  const der = await sign(card, keyRef, options.hash === undefined ? { kind: 'ecdsa' } : { kind: 'ecdsa', hash: options.hash }, data);
  return { der, raw: ecdsaDerToRaw(der, options.fieldBytes) };
}
