/**
 * High-level key operations for the CLI and the explorer, composed from the card commands the way
 * OpenSC's PKCS#15 emulation and pkcs15init do it (§5.1, §5.2):
 *   listKeys       ENUMERATE → per CCxx (xx ≠ 00) read C4xx (PRKD) and CExx (X.509 or CV request)
 *   generateKey    free reference → GAKP / GENERATE SYMMETRIC KEY → check CExx → PRKD into C4xx
 *   deleteKey      CCxx, C4xx, CExx
 *   exportPublicKey from CExx
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { FID_PREFIX, INS } from './constants.ts';
import type { CurveName } from './curves.ts';
import { curveOfKey, cvcPublicKeyToKeyObject, ecPointOf, rsaModulusOf } from './cvc-key.ts';
import { parseAuthenticatedRequest } from './cvc.ts';
import { enumerateObjects } from './commands/enumerate-objects.ts';
import { FileNotFoundError, KeyNotFoundError } from './errors.ts';
import { deleteFile } from './commands/delete-file.ts';
import { readFile } from './commands/read-binary.ts';
import { deleteIfExists, readFileIfExists } from './files.ts';
import { MalformedResponseError, NoFreeKeyReferenceError } from './host-errors.ts';
import { parsePrkd, type KeyKind, type KeyUsage, type PrivateKeyDescription } from './pkcs15.ts';
import { fidName, type CardSession } from './session.ts';
import { keyFid } from './key-ref.ts';

export interface KeyInfo {
  /** Key reference (P1 of SIGN etc.), 1..255. */
  readonly ref: number;
  readonly kind: KeyKind | 'unknown';
  readonly label: string | undefined;
  /** PKCS#15 iD / PKCS#11 CKA_ID. */
  readonly id: Uint8Array | undefined;
  /** RSA modulus bits, EC field bits, AES key bits. */
  readonly size: number | undefined;
  /** EC curve (OpenSSL name). */
  readonly curve: CurveName | undefined;
  readonly usage: readonly KeyUsage[];
  /** The decoded PRKD of C4xx, when present and readable. */
  readonly description: PrivateKeyDescription | undefined;
  /** What CExx holds: an X.509 certificate, the CV request from key generation, or nothing. */
  readonly certificate: 'x509' | 'cv-request' | undefined;
  readonly publicKey: KeyObject | undefined;
}

/** "RSA 2048", "EC prime256v1", "AES 256": a key's type as the CLI and fleet status show it. */
export function keyTypeText(k: Pick<KeyInfo, 'kind' | 'size' | 'curve'>): string {
  if (k.kind === 'ec') return `EC ${k.curve ?? `${k.size ?? '?'} bits`}`;
  if (k.kind === 'rsa') return `RSA ${k.size ?? '?'}`;
  if (k.kind === 'aes') return `AES ${k.size ?? '?'}`;
  return 'unknown type';
}

/** Key references present on the card (CCxx, xx ≠ 00 = not the device key), ascending. */
export async function keyReferences(card: CardSession): Promise<number[]> {
  const objects = await enumerateObjects(card);
  return objects
    .filter((f) => f >> 8 === FID_PREFIX.KEY && (f & 0xff) !== 0)
    .map((f) => f & 0xff)
    .sort((a, b) => a - b);
}

/** The lowest unused key reference, starting at 1 (sc-hsm-embedded / scsh; OpenSC's search skips 0 in effect, §3.5). */
export function freeKeyReference(used: readonly number[]): number {
  for (let ref = 1; ref <= 255; ref++) if (!used.includes(ref)) return ref;
  throw new NoFreeKeyReferenceError();
}

/** Public key and kind of a CExx content: `67…`/`7F21…` CV request or `30…` X.509 certificate. */
export function publicKeyFromCertificateFile(ef: Uint8Array): { publicKey: KeyObject; certificate: 'x509' | 'cv-request' } | undefined {
  if (ef[0] === 0x67 || (ef[0] === 0x7f && ef[1] === 0x21)) {
    const req = parseAuthenticatedRequest(ef);
    return { publicKey: cvcPublicKeyToKeyObject(req.request.body.publicKey), certificate: 'cv-request' };
  }
  if (ef[0] === 0x30) return { publicKey: new X509Certificate(Buffer.from(ef)).publicKey, certificate: 'x509' };
  return undefined;
}

function sizeOf(publicKey: KeyObject | undefined): { size: number | undefined; curve: CurveName | undefined } {
  if (publicKey === undefined) return { size: undefined, curve: undefined };
  if (publicKey.asymmetricKeyType === 'rsa') return { size: publicKey.asymmetricKeyDetails?.modulusLength, curve: undefined };
  const c = curveOfKey(publicKey);
  return { size: c.bits, curve: c.name };
}

/** Read C4xx and CExx of one key and combine them (missing files are fine). */
export async function describeKey(card: CardSession, ref: number): Promise<KeyInfo> {
  const prkdBytes = await readFileIfExists(card, keyFid(FID_PREFIX.PRKD, ref));
  const description = prkdBytes === undefined || prkdBytes.length === 0 ? undefined : parsePrkd(prkdBytes);
  const ce = await readFileIfExists(card, keyFid(FID_PREFIX.EE_CERTIFICATE, ref));
  const pub = ce === undefined || ce.length === 0 ? undefined : publicKeyFromCertificateFile(ce);
  const fromKey = sizeOf(pub?.publicKey);
  const kind = description?.kind ?? (pub?.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : pub !== undefined ? 'ec' : 'unknown');
  return {
    ref,
    kind,
    label: description?.label,
    id: description?.id,
    size: fromKey.size ?? description?.size,
    curve: fromKey.curve,
    usage: description?.usage ?? [],
    description,
    certificate: pub?.certificate,
    publicKey: pub?.publicKey,
  };
}

/** Every key except the device key, with its PKCS#15 description and public key (§5.1). */
export async function listKeys(card: CardSession): Promise<KeyInfo[]> {
  const out: KeyInfo[] = [];
  for (const ref of await keyReferences(card)) out.push(await describeKey(card, ref));
  return out;
}

/**
 * Public key of key `ref` from its CExx (CV request or certificate). KeyNotFoundError when there is
 * no key `ref` (as signMessage and deleteKey); FileNotFoundError when the key exists without CExx (an
 * AES key, or one imported without a public key); MalformedResponseError when CExx holds something else.
 */
export async function exportPublicKey(card: CardSession, ref: number): Promise<KeyObject> {
  const fid = keyFid(FID_PREFIX.EE_CERTIFICATE, ref);
  let ef: Uint8Array;
  try {
    ef = await readFile(card, fid);
  } catch (err) {
    if (!(err instanceof FileNotFoundError) || (await keyReferences(card)).includes(ref)) throw err;
    throw new KeyNotFoundError(err.sw, {
      ins: INS.READ_BINARY_ODD,
      operation: `export the public key of key ${ref}`,
      keyRef: ref,
      cause: err,
    });
  }
  const pub = publicKeyFromCertificateFile(ef);
  if (pub === undefined)
    throw new MalformedResponseError(
      `export public key of key ${ref}`,
      `${fidName(fid)} holds neither a CV request nor an X.509 certificate`,
    );
  return pub.publicKey;
}

/**
 * OpenSC's "mozilla" ID style (pkcs15.profile `pkcs15-id-style = mozilla`, used for the SmartCard-HSM):
 * SHA-1 of the RSA modulus; for EC keys SHA-1 of the public point's x-coordinate.
 */
export function intrinsicKeyId(publicKey: KeyObject): Uint8Array {
  if (publicKey.asymmetricKeyType === 'rsa') return new Uint8Array(createHash('sha1').update(rsaModulusOf(publicKey)).digest());
  const point = ecPointOf(publicKey);
  const x = point.subarray(1, 1 + (point.length - 1) / 2);
  return new Uint8Array(createHash('sha1').update(x).digest());
}

/**
 * Delete key `ref` and its C4xx / CExx files (§3.4: deleting a key leaves them). Returns the FIDs
 * deleted; throws the card's KeyNotFoundError when none of the three existed.
 */
export async function deleteKey(card: CardSession, ref: number): Promise<number[]> {
  const ccFid = keyFid(FID_PREFIX.KEY, ref);
  let missing: unknown;
  const deleted: number[] = [];
  try {
    await deleteFile(card, ccFid);
    deleted.push(ccFid);
  } catch (err) {
    if (!(err instanceof KeyNotFoundError || err instanceof FileNotFoundError)) throw err;
    missing = err;
  }
  for (const p of [FID_PREFIX.PRKD, FID_PREFIX.EE_CERTIFICATE])
    if (await deleteIfExists(card, keyFid(p, ref))) deleted.push(keyFid(p, ref));
  if (deleted.length === 0) throw missing;
  return deleted;
}
