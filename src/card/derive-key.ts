/**
 * `deriveKey`: DERIVE EC KEY (§3.16) as an operation whose result is checked, the way generate-key.ts
 * does key generation:
 *   1. the source's public key Q from CE<src>; the derived public key Q' = Q + param·G computed HERE
 *      (ec-point.ts) — the additive scheme d' = d + param (mod n);
 *   2. `80 76 <src> <dst> 98‖param` (the target reference is refused when taken, unless `replace`);
 *   3. the new key signs its own CV request (7F21, body with 86 = Q', ECDSA-SHA256 by the card) and the
 *      signature must verify with the host's Q': that proves the card's key is d + param. The request
 *      goes into CE<dst> (what keys list, export-pub, wrap and clone read), an OpenSC-style PRKD into C4<dst>.
 * A derived key whose algorithm list does not allow ECDSA cannot sign: it gets the PRKD only and the
 * check is 'not-checked'. A signature that does not verify is DerivedKeyMismatchError; the key stays
 * on the card without PRKD or certificate (the caller says how to delete it).
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { hex2 } from '../apdu/hex.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import { readDeviceChr } from './card-status.ts';
import { DEFAULT_GAKP_CAR, FID_PREFIX, TA_OID } from './constants.ts';
import type { CurveName, CurveParams } from './curves.ts';
import { curveOfKey, ecPointOf } from './cvc-key.ts';
import { deriveEcKey } from './commands/derive-ec-key.ts';
import { sign } from './commands/sign.ts';
import { serialOfChr } from './device-identity.ts';
import { bytesToBigInt, derivedPublicPoint } from './ec-point.ts';
import { AlgorithmNotAllowedError, FileNotFoundError, KeyNotFoundError } from './errors.ts';
import { ecdsaDerToRaw } from './formats/ecdsa-signature.ts';
import { ecPublicKey } from './formats/public-key.ts';
import { deleteIfExists, replaceFile } from './files.ts';
import { DerivedKeyMismatchError, InvalidArgumentError } from './host-errors.ts';
import { occupiedObjects } from './key-backup.ts';
import { exportPublicKey, intrinsicKeyId } from './keys.ts';
import { encodePrkd } from './pkcs15-encode.ts';
import { runExclusive, type CardSession } from './session.ts';

export interface DeriveKeyOptions {
  readonly sourceRef: number;
  readonly targetRef: number;
  /** The derivation parameter, big-endian, 1..n-1 of the source's curve. */
  readonly param: Uint8Array;
  readonly label?: string;
  /** PKCS#15 iD; default SHA-1 of the x-coordinate of Q' (OpenSC's style, keys.ts). */
  readonly id?: Uint8Array;
  /** Delete the key, PRKD and certificate at `targetRef` first; without it a taken reference is refused. */
  readonly replace?: boolean;
}

export interface DerivedKey {
  readonly ref: number;
  readonly sourceRef: number;
  readonly curve: CurveName;
  readonly size: number;
  readonly id: Uint8Array;
  readonly label: string | undefined;
  /** Q' = Q + param·G, computed on the host. */
  readonly publicKey: KeyObject;
  /** 'verified': the new key's signature verifies with Q'; 'not-checked': its algorithm list forbids ECDSA. */
  readonly check: 'verified' | 'not-checked';
  /** The self-signed CV request written to CE<ref> (undefined when the key may not sign). */
  readonly request: Uint8Array | undefined;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The CV request body 7F4E of the derived key: OpenSC's CAR, explicit domain parameters and 86 = Q'. */
function requestBody(curve: CurveParams, point: Uint8Array, chr: string): Uint8Array {
  const key = [
    encodeTlv(0x06, TA_OID.ECDSA_SHA_256),
    encodeTlv(0x81, curve.p),
    encodeTlv(0x82, curve.a),
    encodeTlv(0x83, curve.b),
    encodeTlv(0x84, curve.g),
    encodeTlv(0x85, curve.n),
    encodeTlv(0x86, point),
    encodeTlv(0x87, curve.h),
  ];
  const fields = [encodeTlv(0x5f29, Uint8Array.of(0)), encodeTlv(0x42, text(DEFAULT_GAKP_CAR)), encodeTlv(0x7f49, key)];
  return encodeTlv(0x7f4e, [...fields, encodeTlv(0x5f20, text(chr))]);
}

/**
 * ECDSA-SHA256 over `body` by key `ref`: algorithm 73 (the card hashes; what CardContact's own test
 * key allows: list A0 73 98) or else 70 (host-hashed); undefined when the key's list allows neither.
 */
async function signSha256(card: CardSession, ref: number, body: Uint8Array): Promise<Uint8Array | undefined> {
  const attempts = [
    () => sign(card, ref, { kind: 'ecdsa', hash: 'sha256' }, body),
    () => sign(card, ref, { kind: 'ecdsa' }, new Uint8Array(createHash('sha256').update(body).digest())),
  ];
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof AlgorithmNotAllowedError)) throw err;
    }
  }
  return undefined;
}

function verifies(body: Uint8Array, der: Uint8Array, pub: KeyObject): boolean {
  try {
    return verify('sha256', body, { key: pub, dsaEncoding: 'der' }, der);
  } catch {
    return false; // not a DER signature at all
  }
}

/** The new key signs its request; undefined when it may not (algorithm list). Throws on a signature that does not fit Q'. */
async function selfSignedRequest(
  card: CardSession,
  o: DeriveKeyOptions,
  curve: CurveParams,
  pub: KeyObject,
): Promise<Uint8Array | undefined> {
  const chr = `${serialOfChr(await readDeviceChr(card)) ?? 'UTDUMMY'}${String(o.targetRef).padStart(5, '0')}`;
  const body = requestBody(curve, ecPointOf(pub), chr);
  const der = await signSha256(card, o.targetRef, body);
  if (der === undefined) return undefined;
  if (!verifies(body, der, pub)) throw new DerivedKeyMismatchError(o.targetRef, o.sourceRef);
  return encodeTlv(0x7f21, [body, encodeTlv(0x5f37, ecdsaDerToRaw(der, curve.fieldBytes))]);
}

function checkOptions(o: DeriveKeyOptions, curve: CurveParams): void {
  if (o.sourceRef === o.targetRef) throw new InvalidArgumentError('the derived key needs its own key reference (target = source)');
  const k = bytesToBigInt(o.param);
  if (o.param.length === 0 || o.param.length > curve.n.length || k === 0n || k >= bytesToBigInt(curve.n))
    throw new InvalidArgumentError(
      `the derivation parameter must be a number 1..n-1 of ${curve.name} (at most ${curve.n.length} bytes)`,
      'the card adds it to the private key modulo the group order n',
    );
}

async function prepareTarget(card: CardSession, o: DeriveKeyOptions): Promise<void> {
  const taken = await occupiedObjects(card, o.targetRef);
  if (taken.length === 0) return;
  if (o.replace !== true)
    throw new InvalidArgumentError(`key reference ${o.targetRef} is in use (${taken.join(', ')})`, 'choose a free reference, or replace');
  for (const prefix of [FID_PREFIX.KEY, FID_PREFIX.PRKD, FID_PREFIX.EE_CERTIFICATE])
    await deleteIfExists(card, (prefix << 8) | o.targetRef);
}

async function sourcePublicKey(card: CardSession, ref: number): Promise<KeyObject> {
  try {
    return await exportPublicKey(card, ref);
  } catch (err) {
    if (!(err instanceof FileNotFoundError || err instanceof KeyNotFoundError)) throw err;
    throw new InvalidArgumentError(
      `key ${ref} has no public key on the card (no EF CE${hex2(ref)})`,
      'the derived public key is computed from the source public key; `schsm keys list` shows which keys have one',
    );
  }
}

/**
 * Check a derivation before any PIN is spent, from public data only: the source key's public key (CE<src>)
 * is EC and the parameter is 1..n-1 of its curve. Returns the derived public key Q + param·G.
 * InvalidArgumentError otherwise; FileNotFoundError when the source has no CE<src>.
 */
export async function plannedDerivation(card: CardSession, o: DeriveKeyOptions): Promise<{ curve: CurveParams; publicKey: KeyObject }> {
  const source = await sourcePublicKey(card, o.sourceRef);
  if (source.asymmetricKeyType !== 'ec')
    throw new InvalidArgumentError(`key ${o.sourceRef} is not an EC key`, 'DERIVE EC KEY derives from EC keys only');
  const curve = curveOfKey(source);
  checkOptions(o, curve);
  return { curve, publicKey: ecPublicKey(curve, derivedPublicPoint(curve, ecPointOf(source), o.param)) };
}

/** Derive EC key `targetRef` from `sourceRef` and prove it (see the file comment). One exclusive card transaction. */
export async function deriveKey(card: CardSession, o: DeriveKeyOptions): Promise<DerivedKey> {
  return runExclusive(card, async () => {
    const { curve, publicKey } = await plannedDerivation(card, o);
    await prepareTarget(card, o);
    await deriveEcKey(card, o.sourceRef, o.targetRef, o.param);
    const request = await selfSignedRequest(card, o, curve, publicKey);
    if (request !== undefined) await replaceFile(card, (FID_PREFIX.EE_CERTIFICATE << 8) | o.targetRef, request, { allowKeyFile: true }); // the key's own files, written together with it
    const id = o.id ?? intrinsicKeyId(publicKey);
    const prkd = encodePrkd({
      kind: 'ec',
      id,
      ref: o.targetRef,
      size: curve.bits,
      ...(o.label === undefined ? {} : { label: o.label }),
    });
    await replaceFile(card, (FID_PREFIX.PRKD << 8) | o.targetRef, prkd, { allowKeyFile: true });
    const check = request === undefined ? ('not-checked' as const) : ('verified' as const);
    return { ref: o.targetRef, sourceRef: o.sourceRef, curve: curve.name, size: curve.bits, id, label: o.label, publicKey, check, request };
  });
}
