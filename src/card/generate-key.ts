/**
 * `generateKey`: what `pkcs11-tool --keypairgen` does through OpenSC (§5.2), as one call: pick the
 * lowest free key reference, generate (GAKP with OpenSC's CAR/CHR, or GENERATE SYMMETRIC KEY), check
 * that the card stored the request in CExx itself, and write an OpenSC-style PRKD into C4xx.
 */
import { bytesEqual } from '../apdu/hex.ts';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_GAKP_CAR, FID_PREFIX } from './constants.ts';
import { readDeviceChr } from './card-status.ts';
import type { AuthenticatedRequest } from './cvc.ts';
import { curveOfKey } from './cvc-key.ts';
import { generateAsymmetricKeyPair } from './commands/generate-asymmetric-key-pair.ts';
import { generateSymmetricKey } from './commands/generate-symmetric-key.ts';
import { readFileIfExists, replaceFile } from './files.ts';
import { checkRsaBits, requireCurve, type AsymmetricKeySpec, type RsaBits } from './gakp-data.ts';
import type { CurveAlias, CurveName } from './curves.ts';
import type { LiteralOr } from './literal.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { freeKeyReference, intrinsicKeyId, keyReferences } from './keys.ts';
import { encodePrkd } from './pkcs15-encode.ts';
import type { KeyKind, KeyUsage } from './pkcs15.ts';
import { runExclusive, type CardSession } from './session.ts';
import { keyFid } from './key-ref.ts';

export type KeySpec = AsymmetricKeySpec | { readonly kind: 'aes'; readonly bits: AesBits };

/** AES key sizes. */
export type AesBits = 128 | 192 | 256;

/** Key types by name, as `schsm keys generate --type` takes them: "rsa:2048", "ec:prime256v1", "ec:P-256", "aes:256". */
export type KeyTypeName = `rsa:${RsaBits}` | `ec:${CurveName | CurveAlias}` | `aes:${AesBits}`;

/**
 * "rsa:2048", "ec:prime256v1" (any curve alias: "ec:P-256"), "aes:256" → a key spec. A literal is
 * checked at compile time (KeyTypeName), text from a user at run time (InvalidArgumentError).
 */
export function parseKeyType<const T extends string>(type: T & LiteralOr<T, KeyTypeName>): KeySpec {
  const m = /^(rsa|ec|aes):(.+)$/i.exec(type.trim());
  const kind = m?.[1]?.toLowerCase();
  const arg = m?.[2] ?? '';
  if (kind === 'rsa') return { kind: 'rsa', bits: checkRsaBits(Number(arg)) };
  if (kind === 'ec') return { kind: 'ec', curve: requireCurve(arg).name };
  if (kind === 'aes' && (arg === '128' || arg === '192' || arg === '256')) return { kind: 'aes', bits: Number(arg) as 128 | 192 | 256 };
  throw new InvalidArgumentError(
    `unknown key type ${JSON.stringify(type)}`,
    'use rsa:1024..4096, ec:<curve> (prime256v1, secp384r1, secp521r1, brainpoolP256r1/P384r1/P512r1, secp256k1) or aes:128|192|256',
  );
}

export interface GenerateKeyOptions {
  /** A KeyTypeName ("ec:P-256") or a spec; text from a user goes through parseKeyType first. */
  readonly type: KeyTypeName | KeySpec;
  /** Key reference; default the lowest free one from 1. An existing key is only replaced with `replace`. */
  readonly ref?: number;
  /** @deprecated the same as `ref`. */
  readonly keyRef?: number;
  readonly replace?: boolean;
  /** PKCS#15 iD; default SHA-1 of the public key (OpenSC mozilla style), the key reference for AES. */
  readonly id?: Uint8Array;
  readonly label?: string;
  readonly usage?: readonly KeyUsage[];
  /** Allowed algorithm ids (tag 91); include 0x92 to make the key exportable with WRAP KEY. */
  readonly algorithms?: readonly number[];
  readonly keyUseCounter?: number;
  /** Key domain (GAKP/GSK tag 92, §3.10): the key is wrapped under that domain's KEK. Omit for domain 0 without the tag. */
  readonly keyDomain?: number;
  /** CHR of the request; default device serial + the key reference as 5 digits (distinct per key, §10). */
  readonly chr?: string;
}

export interface GeneratedKey {
  readonly ref: number;
  readonly kind: KeyKind;
  /** RSA modulus bits, EC field bits, AES key bits. */
  readonly size: number;
  readonly curve: CurveName | undefined;
  readonly id: Uint8Array;
  readonly label: string | undefined;
  readonly publicKey: KeyObject | undefined;
  readonly request: AuthenticatedRequest | undefined;
  /** 'card': CExx already held the request (§3.11); 'host': it had to be written. */
  readonly requestStoredBy: 'card' | 'host' | undefined;
  /** The PRKD written to C4xx. */
  readonly prkd: Uint8Array;
}

async function pickRef(card: CardSession, o: GenerateKeyOptions): Promise<number> {
  const want = o.ref ?? o.keyRef;
  if (want !== undefined && (!Number.isInteger(want) || want < 1 || want > 255))
    throw new InvalidArgumentError(`key reference must be 1..255, got ${want}`);
  const used = await keyReferences(card);
  if (want === undefined) return freeKeyReference(used);
  if (used.includes(want) && o.replace !== true)
    throw new InvalidArgumentError(`key ${want} exists`, 'choose another reference, delete the key first, or pass replace');
  return want;
}

/**
 * CHR of a new key's request: device serial + the key reference as the 5-digit sequence (a real
 * device's first key is DENK010570200001 on device DENK010570200000, §10). Every key of a device thus
 * has its own CHR, so several of them can be registered for public key authentication on one device,
 * which registers keys by CHR (OpenSC's fixed CHR prevents that, PR 1711).
 */
async function defaultChr(card: CardSession, ref: number): Promise<string> {
  const serial = (await readDeviceChr(card))?.slice(0, -5) ?? 'UTDUMMY';
  return `${serial}${String(ref).padStart(5, '0')}`;
}

async function generateAsymmetric(card: CardSession, ref: number, key: AsymmetricKeySpec, o: GenerateKeyOptions) {
  const chr = o.chr ?? (await defaultChr(card, ref));
  const kp = await generateAsymmetricKeyPair(card, {
    ref,
    key,
    chr,
    car: DEFAULT_GAKP_CAR,
    ...(o.algorithms === undefined ? {} : { algorithms: o.algorithms }),
    ...(o.keyUseCounter === undefined ? {} : { keyUseCounter: o.keyUseCounter }),
    ...(o.keyDomain === undefined ? {} : { keyDomain: o.keyDomain }),
  });
  const ceFid = keyFid(FID_PREFIX.EE_CERTIFICATE, ref);
  const stored = await readFileIfExists(card, ceFid);
  const byCard = stored !== undefined && bytesEqual(stored, kp.request.bytes);
  if (!byCard) await replaceFile(card, ceFid, kp.request.bytes, { allowKeyFile: true });
  const size = key.kind === 'rsa' ? key.bits : curveOfKey(kp.publicKey).bits;
  const curve = key.kind === 'ec' ? curveOfKey(kp.publicKey).name : undefined;
  return { kp, size, curve, requestStoredBy: byCard ? ('card' as const) : ('host' as const) };
}

/** Generate a key on the card and describe it in C4xx the way OpenSC does (§5.2). Runs as one exclusive card transaction. */
export async function generateKey(card: CardSession, options: GenerateKeyOptions): Promise<GeneratedKey> {
  const spec = typeof options.type === 'string' ? parseKeyType(options.type) : options.type;
  return runExclusive(card, async () => {
    const ref = await pickRef(card, options);
    let base: Omit<GeneratedKey, 'prkd' | 'label'>;
    if (spec.kind === 'aes') {
      await generateSymmetricKey(card, {
        ref,
        bits: spec.bits,
        ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
        ...(options.keyDomain === undefined ? {} : { keyDomain: options.keyDomain }),
      });
      base = {
        ref,
        kind: 'aes',
        size: spec.bits,
        curve: undefined,
        id: options.id ?? Uint8Array.of(ref),
        publicKey: undefined,
        request: undefined,
        requestStoredBy: undefined,
      };
    } else {
      const g = await generateAsymmetric(card, ref, spec, options);
      base = {
        ref,
        kind: spec.kind,
        size: g.size,
        curve: g.curve,
        id: options.id ?? intrinsicKeyId(g.kp.publicKey),
        publicKey: g.kp.publicKey,
        request: g.kp.request,
        requestStoredBy: g.requestStoredBy,
      };
    }
    const prkd = encodePrkd({
      kind: base.kind,
      id: base.id,
      ref,
      size: base.size,
      ...(options.label === undefined ? {} : { label: options.label }),
      ...(options.usage === undefined ? {} : { usage: options.usage }),
    });
    await replaceFile(card, keyFid(FID_PREFIX.PRKD, ref), prkd, { allowKeyFile: true });
    return { ...base, label: options.label, prkd };
  });
}
