/**
 * Importing an existing key (issue 12 item 1). The card only takes keys as DKEK-wrapped blobs, so the
 * host builds the blob itself (§9.1, formats/key-blob-encode.ts) from the key and the DKEK assembled
 * from the custodians' shares, together with the PKCS#15 description OpenSC reads (§5.2) and the key's
 * certificate, and then does what `keys unwrap` does: UNWRAP KEY, C4xx, CExx (key-backup.ts).
 *
 *   buildKeyImport  — pure: blob + PRKD + certificate (+ the sc-hsm-tool wrapped-key file), self-checked
 *                     by opening the blob again with the DKEK (MAC, consistency, same public key);
 *   importKeyBlob   — on one card (PIN verified, exclusive by the caller), then proof by use:
 *                     a signature verified with the key's public key, or an AES-CMAC equal to the host's.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { ALGO } from '../apdu/algorithms.ts';
import { toHex } from '../apdu/hex.ts';
import { describeBlobKey } from './formats/blob-key-description.ts';
import { computeAesCmac } from './formats/cmac.ts';
import { FormatInputError } from './formats/errors.ts';
import type { ImportedKey } from './formats/imported-key.ts';
import { dkekKcv, type Kcv } from './formats/kcv.ts';
import { openKeyBlob } from './formats/key-blob.ts';
import { encodeKeyBlob } from './formats/key-blob-encode.ts';
import { spkiDer } from './formats/public-key.ts';
import { buildWrappedKeyFile, type WrappedKeyFile } from './formats/wrapped-key-file.ts';
import { importWrappedKey } from './key-backup.ts';
import { proveAesKey, proveKeyPair, type KeyProof } from './key-proof.ts';
import { intrinsicKeyId } from './keys.ts';
import { encodePrkd } from './pkcs15-encode.ts';
import type { CardSession } from './session.ts';

/** What each key type may do on the card by default (§4): every signature, decipher and derivation form. */
export const DEFAULT_ALLOWED_ALGORITHMS: Readonly<Record<ImportedKey['kind'], readonly number[]>> = {
  rsa: [
    ALGO.RSA_RAW,
    ALGO.RSA_DECRYPT_RAW,
    ALGO.RSA_PKCS1_V15,
    ALGO.RSA_PKCS1_V15_SHA1,
    ALGO.RSA_PKCS1_V15_SHA256,
    ALGO.RSA_PKCS1_V15_SHA384,
    ALGO.RSA_PKCS1_V15_SHA512,
    ALGO.RSA_PSS,
    ALGO.RSA_PSS_SHA1,
    ALGO.RSA_PSS_SHA256,
    ALGO.RSA_PSS_SHA384,
    ALGO.RSA_PSS_SHA512,
  ],
  ec: [ALGO.ECDSA, ALGO.ECDSA_SHA1, ALGO.ECDSA_SHA224, ALGO.ECDSA_SHA256, ALGO.ECDSA_SHA384, ALGO.ECDSA_SHA512, ALGO.ECDH, ALGO.EC_DERIVE],
  aes: [ALGO.AES_CBC_ENCRYPT, ALGO.AES_CBC_DECRYPT, ALGO.AES_CMAC, ALGO.AES_DERIVE],
};

/** The allowed-algorithm list of an imported key: the type's default, plus WRAP (92) unless `noExport`. */
export function allowedAlgorithmsFor(kind: ImportedKey['kind'], noExport: boolean): Uint8Array {
  return Uint8Array.from([...DEFAULT_ALLOWED_ALGORITHMS[kind], ...(noExport ? [] : [ALGO.WRAP])]);
}

export interface KeyImportOptions {
  /** Key reference the PRKD names (the card takes it from the FID; OpenSC too, §5.1). */
  readonly ref: number;
  /** PKCS#15 label; default the file's (PKCS#12 friendlyName). */
  readonly label?: string | undefined;
  /** PKCS#15 / PKCS#11 ID; default the file's localKeyId, else OpenSC's intrinsic ID (AES: the reference). */
  readonly id?: Uint8Array | undefined;
  /** Leave WRAP (92) out of the allowed algorithms: the key can never leave the card again. */
  readonly noExport?: boolean;
}

export interface KeyImport {
  readonly ref: number;
  readonly blob: Uint8Array;
  readonly prkd: Uint8Array;
  readonly certificate: Uint8Array | undefined;
  readonly label: string | undefined;
  readonly id: Uint8Array;
  /** KCV of the DKEK the key was wrapped under (16 upper-case hex digits). */
  readonly kcv: Kcv;
  readonly allowedAlgorithms: Uint8Array;
  readonly publicKey: KeyObject | undefined;
  /** SHA-256 of the public key's SPKI (hex), when there is one. */
  readonly fingerprint: string | undefined;
  /** For AES keys: a random challenge and the CMAC the key gives it (computed now; the key is wiped later). */
  readonly aesCheck: { readonly challenge: Uint8Array; readonly cmac: Uint8Array } | undefined;
}

function keyId(key: ImportedKey, options: KeyImportOptions): Uint8Array {
  if (options.id !== undefined) return options.id;
  if (key.id !== undefined && key.id.length > 0) return key.id;
  return key.publicKey === undefined ? Uint8Array.of(options.ref) : intrinsicKeyId(key.publicKey);
}

/** Open our own blob again: the MAC must verify, the key be consistent and its public key the expected one. */
function selfCheck(blob: Uint8Array, dkek: Uint8Array, key: ImportedKey): string | undefined {
  const opened = openKeyBlob(blob, dkek);
  const d = describeBlobKey(opened.blob, opened.plaintext);
  for (const v of Object.values(opened.plaintext.key)) if (v instanceof Uint8Array) v.fill(0);
  if (!d.consistent) throw new FormatInputError(`the key is not consistent: ${d.problems.join('; ')}`, 'the key file is damaged');
  if (key.publicKey !== undefined && d.spki !== undefined && !Buffer.from(d.spki).equals(Buffer.from(spkiDer(key.publicKey))))
    throw new FormatInputError('the blob does not hold the key it was built from (internal error)');
  return d.fingerprint;
}

/** Build what goes to the card for `key` under `dkek`. */
export function buildKeyImport(key: ImportedKey, dkek: Uint8Array, options: KeyImportOptions): KeyImport {
  const allowed = allowedAlgorithmsFor(key.kind, options.noExport === true);
  const blob = encodeKeyBlob(key.key, dkek, { allowedAlgorithms: allowed });
  const fingerprint = selfCheck(blob, dkek, key);
  const id = keyId(key, options);
  const label = options.label ?? key.label;
  const prkd = encodePrkd({ kind: key.kind, id, ref: options.ref, size: key.bits, ...(label === undefined ? {} : { label }) });
  let aesCheck: KeyImport['aesCheck'];
  if (key.key.kind === 'aes') {
    const challenge = new Uint8Array(randomBytes(32));
    aesCheck = { challenge, cmac: computeAesCmac(key.key.key, challenge) };
  }
  return {
    ref: options.ref,
    blob,
    prkd,
    certificate: key.certificate?.der,
    label,
    id,
    kcv: toHex(dkekKcv(dkek)),
    allowedAlgorithms: allowed,
    publicKey: key.publicKey,
    fingerprint,
    aesCheck,
  };
}

/** The same import for another key reference (devices with different free references). */
export function forReference(built: KeyImport, ref: number, kind: ImportedKey['kind'], bits: number): KeyImport {
  if (ref === built.ref) return built;
  const id = kind === 'aes' && built.id.length === 1 && built.id[0] === built.ref ? Uint8Array.of(ref) : built.id;
  const prkd = encodePrkd({ kind, id, ref, size: bits, ...(built.label === undefined ? {} : { label: built.label }) });
  return { ...built, ref, id, prkd };
}

/** The proof method of an imported AES key: the card's AES-CMAC of a random challenge against the host's. */
export const AES_HOST_CHECK = 'AES-CMAC of a random challenge';

/** "ECDSA-SHA256 signature over a random challenge verifies", "AES-CMAC of a random challenge equals the host’s". */
export function proofText(p: KeyProof): string {
  if (p.result === 'not-checked') return `not checked (${p.reason})`;
  if (p.method === AES_HOST_CHECK) return `${p.method} ${p.result === 'verified' ? 'equals the host’s' : 'DIFFERS from the host’s'}`;
  return `${p.method} ${p.result === 'verified' ? 'verifies' : 'does NOT verify'}`;
}

/** The sc-hsm-tool wrapped-key file (§9.2) of an import: `sc-hsm-tool --unwrap-key` reads it. */
export function wrappedKeyFileOf(built: KeyImport): Uint8Array {
  const file: WrappedKeyFile = { blob: built.blob, prkd: built.prkd, certificate: built.certificate };
  return buildWrappedKeyFile(file);
}

/**
 * UNWRAP the blob into `built.ref` with PRKD and certificate (replacing what is there only with
 * `replace`), then prove the key by using it. The user PIN must be verified; call inside `exclusive`.
 */
export async function importKeyBlob(card: CardSession, built: KeyImport, options: { replace?: boolean } = {}): Promise<KeyProof> {
  await importWrappedKey(card, built.ref, { blob: built.blob, prkd: built.prkd, certificate: built.certificate }, options);
  if (built.publicKey !== undefined) return proveKeyPair(card, built.ref, built.publicKey);
  if (built.aesCheck !== undefined) {
    const p = await proveAesKey(card, built.ref, built.aesCheck);
    return p.result === 'not-checked' ? p : { result: p.result, method: AES_HOST_CHECK };
  }
  return { result: 'not-checked', reason: 'no public key and no AES check value' };
}
