import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import type { InsHandler, KeyRecord, SimContext } from '../types.ts';
import { ecdsaSignHash } from '../crypto/ec-math.ts';
import { ecPrivate, keyForUse, privateKeyObject, requireUserPin, spendUse } from '../crypto/key-access.ts';
import { bytesEqual, fromHex } from '../../apdu/hex.ts';
import {
  type HashName,
  DIGEST_INFO_PREFIX,
  HASH_LENGTH,
  digest,
  digestInfo,
  emsaPkcs1v15,
  emsaPssEncode,
  hashForLength,
} from '../crypto/rsa-padding.ts';
import { modulusBits, modulusBytes, rsaPrivateRaw } from '../crypto/rsa-raw.ts';

/**
 * SIGN — `80 68 KeyId Algo Lc data Le` (§3.13, algorithm ids §4). Data is the padded block (`20`),
 * a DigestInfo (`30`), a hash (`40`, `70`; the hash is known by its length; `40` also takes a
 * DigestInfo, which is what OpenSC sends) or the message the card hashes itself (`31..35`, `41..45`,
 * `71..75`). RSA answers a modulus-length signature; ECDSA answers DER `SEQUENCE { INTEGER r,
 * INTEGER s }`. PSS uses MGF1 with the message hash and a salt as long as the hash. Status words:
 * 6982 PIN, 6A82 no key, 6A86 unknown algorithm, 6A81 algorithm not for this key, 6984 use counter
 * spent (CardContact's choices, §13), 6700 input of impossible length, 6A80 input that cannot be
 * signed (raw block ≥ n, DigestInfo too long for the modulus).
 */

export const SIGN_ALGORITHM = {
  RSA_RAW: 0x20,
  RSA_PKCS1_DIGEST_INFO: 0x30,
  RSA_PKCS1_SHA1: 0x31,
  RSA_PKCS1_SHA224: 0x32,
  RSA_PKCS1_SHA256: 0x33,
  RSA_PKCS1_SHA384: 0x34,
  RSA_PKCS1_SHA512: 0x35,
  RSA_PSS: 0x40,
  RSA_PSS_SHA1: 0x41,
  RSA_PSS_SHA224: 0x42,
  RSA_PSS_SHA256: 0x43,
  RSA_PSS_SHA384: 0x44,
  RSA_PSS_SHA512: 0x45,
  ECDSA: 0x70,
  ECDSA_SHA1: 0x71,
  ECDSA_SHA224: 0x72,
  ECDSA_SHA256: 0x73,
  ECDSA_SHA384: 0x74,
  ECDSA_SHA512: 0x75,
} as const;

const HASHES: readonly HashName[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** For `x1..x5`: the hash the card applies; for the `x0` ids: undefined (input is already digested). */
function cardHash(algorithm: number): HashName | undefined {
  return HASHES[(algorithm & 0x0f) - 1];
}

/**
 * Input of PSS `40`: a bare hash (known by its length) or a DigestInfo around it — OpenSC 0.23 sends
 * SHA256-RSA-PKCS-PSS as `40` with the DER DigestInfo (observed through pcscd), RSA-PKCS-PSS with the
 * bare hash.
 */
function pssHashInput(data: Uint8Array): { hash: HashName; mHash: Uint8Array } | undefined {
  const bare = hashForLength(data.length);
  if (bare !== undefined) return { hash: bare, mHash: data };
  for (const hash of HASHES) {
    const prefix = fromHex(DIGEST_INFO_PREFIX[hash]);
    if (data.length === prefix.length + HASH_LENGTH[hash] && bytesEqual(data.subarray(0, prefix.length), prefix)) {
      return { hash, mHash: data.slice(prefix.length) };
    }
  }
  return undefined;
}

function rsaBlock(algorithm: number, data: Uint8Array, bits: number, ctx: SimContext): Uint8Array {
  const k = Math.ceil(bits / 8);
  if (algorithm === SIGN_ALGORITHM.RSA_RAW) {
    if (data.length !== k) throw new CardStatus(SW.WRONG_LENGTH, `raw RSA input must be ${k} bytes`);
    return data;
  }
  if ((algorithm & 0xf0) === 0x30) {
    const hash = cardHash(algorithm);
    const t = hash === undefined ? data : digestInfo(hash, digest(hash, data));
    const em = emsaPkcs1v15(t, k);
    if (em === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'DigestInfo too long for the modulus');
    return em;
  }
  const onCard = cardHash(algorithm);
  const input = onCard === undefined ? pssHashInput(data) : { hash: onCard, mHash: digest(onCard, data) };
  if (input === undefined) throw new CardStatus(SW.WRONG_LENGTH, `PSS input of ${data.length} bytes is neither a hash nor a DigestInfo`);
  const { hash, mHash } = input;
  const em = emsaPssEncode(hash, mHash, bits - 1, ctx.random(HASH_LENGTH[hash]));
  if (em === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'modulus too small for PSS with this hash');
  const block = new Uint8Array(k);
  block.set(em, k - em.length);
  return block;
}

function signRsa(key: KeyRecord, algorithm: number, data: Uint8Array, ctx: SimContext): Uint8Array {
  const ko = privateKeyObject(key);
  const block = rsaBlock(algorithm, data, modulusBits(ko), ctx);
  const sig = rsaPrivateRaw(ko, block);
  if (sig === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'input block is not below the modulus');
  if (sig.length !== modulusBytes(ko)) throw new CardStatus(SW.NO_PRECISE_DIAGNOSIS);
  return sig;
}

function signEc(key: KeyRecord, algorithm: number, data: Uint8Array): Uint8Array {
  const ec = ecPrivate(key);
  const hash = cardHash(algorithm);
  if (hash === undefined && (data.length === 0 || data.length > Math.max(64, ec.curve.n.length))) {
    throw new CardStatus(SW.WRONG_LENGTH, `ECDSA hash input of ${data.length} bytes`);
  }
  return ecdsaSignHash(ec.curve, ec.d, hash === undefined ? data : digest(hash, data));
}

function isKnown(algorithm: number): boolean {
  return (Object.values(SIGN_ALGORITHM) as number[]).includes(algorithm);
}

export const sign: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  if (!isKnown(cmd.p2)) throw new CardStatus(SW.INCORRECT_P1P2, `unknown signature algorithm ${cmd.p2.toString(16)}`);
  const isEc = (cmd.p2 & 0xf0) === 0x70;
  const key = keyForUse(ctx, cmd.p1, cmd.p2, isEc ? ['ec'] : ['rsa']);
  const data = isEc ? signEc(key, cmd.p2, cmd.data) : signRsa(key, cmd.p2, cmd.data, ctx);
  spendUse(key);
  return { data, sw: SW.OK };
};
