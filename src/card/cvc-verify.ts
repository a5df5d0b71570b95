/**
 * Signature checks of CV certificates and requests (§10): ECDSA with plain r‖s or RSA PKCS#1 v1.5 /
 * PSS over the complete 7F4E TLV, the hash given by the signer key's id-TA OID (BSI TR-03110 part 3);
 * the outer signature of an authenticated request over 7F21 TLV ‖ 42 TLV; and the device chain of
 * EF 2F02 (device CVC ← DICA CVC ← root, the root not being on the card: the trusted roots are in
 * trust-anchors.ts).
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import { formatOid } from '../apdu/oid.ts';
import type { CurveParams } from './curves.ts';
import { parseCvcChain, type AuthenticatedRequest, type CvCertificate, type CvcPublicKey } from './cvc.ts';
import { curveOfKey, cvcPublicKeyToKeyObject } from './cvc-key.ts';
import { CvcError } from './host-errors.ts';
import { KNOWN_ROOTS, type KnownRoot } from './trust-anchors.ts';

type Scheme = { readonly hash: string; readonly kind: 'ecdsa' | 'rsa-v1.5' | 'rsa-pss' };

/** id-TA-* OID (last two arcs) → signature scheme. */
const SCHEMES: Readonly<Record<string, Scheme>> = {
  '1.1': { hash: 'sha1', kind: 'rsa-v1.5' },
  '1.2': { hash: 'sha256', kind: 'rsa-v1.5' },
  '1.3': { hash: 'sha1', kind: 'rsa-pss' },
  '1.4': { hash: 'sha256', kind: 'rsa-pss' },
  '1.5': { hash: 'sha512', kind: 'rsa-v1.5' },
  '1.6': { hash: 'sha512', kind: 'rsa-pss' },
  '2.1': { hash: 'sha1', kind: 'ecdsa' },
  '2.2': { hash: 'sha224', kind: 'ecdsa' },
  '2.3': { hash: 'sha256', kind: 'ecdsa' },
  '2.4': { hash: 'sha384', kind: 'ecdsa' },
  '2.5': { hash: 'sha512', kind: 'ecdsa' },
};

/** The scheme a key with this id-TA OID signs with. */
export function taScheme(oid: Uint8Array): Scheme {
  const dotted = formatOid(oid)?.split(' ')[0] ?? '';
  const scheme = dotted.startsWith('0.4.0.127.0.7.2.2.2.') ? SCHEMES[dotted.slice('0.4.0.127.0.7.2.2.2.'.length)] : undefined;
  if (scheme === undefined) throw new CvcError(`unknown signature algorithm OID ${dotted}`);
  return scheme;
}

/** Verify `signature` over `signed` made by `key`, the scheme given by the signer's id-TA OID. */
export function verifyTaSignature(signed: Uint8Array, signature: Uint8Array, key: KeyObject, signerOid: Uint8Array): boolean {
  const s = taScheme(signerOid);
  const opts =
    s.kind === 'ecdsa'
      ? { key, dsaEncoding: 'ieee-p1363' as const }
      : s.kind === 'rsa-pss'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : { key };
  try {
    return verify(s.hash, signed, opts, signature);
  } catch {
    return false;
  }
}

/** A signer: its public key (KeyObject) and the id-TA OID that says how it signs. */
export interface CvcSigner {
  readonly key: KeyObject;
  readonly oid: Uint8Array;
  readonly curve: CurveParams | undefined;
}

/** The signer described by a certificate's public key (EC curve inherited from the issuer if omitted). */
export function signerOf(pk: CvcPublicKey, inheritedCurve?: CurveParams): CvcSigner {
  const key = cvcPublicKeyToKeyObject(pk, inheritedCurve);
  return { key, oid: pk.oid, curve: pk.kind === 'ec' ? curveOfKey(key) : undefined };
}

/** Check the 5F37 signature of a certificate (or self-signed request) over its 7F4E TLV. */
export function verifyCvc(cert: CvCertificate, signer: Pick<CvcSigner, 'key' | 'oid'>): boolean {
  return verifyTaSignature(cert.body.bytes, cert.signature, signer.key, signer.oid);
}

export interface RequestVerification {
  /** Inner signature by the new key itself (proof of possession). */
  readonly inner: boolean;
  /** Outer signature by the device key over 7F21 ‖ 42; undefined when no device key was given or no outer signature exists. */
  readonly outer: boolean | undefined;
}

/** Verify an authenticated request (GAKP answer): inner self-signature, and the outer one if `device` is given. */
export function verifyAuthenticatedRequest(req: AuthenticatedRequest, device?: CvcSigner): RequestVerification {
  const own = signerOf(req.request.body.publicKey);
  const inner = verifyCvc(req.request, own);
  const { outerSignature, outerSignedBytes } = req;
  if (device === undefined || outerSignature === undefined || outerSignedBytes === undefined) return { inner, outer: undefined };
  return { inner, outer: verifyTaSignature(outerSignedBytes, outerSignature, device.key, device.oid) };
}

export { KNOWN_ROOTS, rootFromCertificate, type KnownRoot, type RootKind } from './trust-anchors.ts';

/**
 * The signer of a certificate's public key under an issuer: an EC key without domain parameters
 * (06 + 86 only, as real DICA and device certificates carry) takes the issuer key's curve, as
 * CardContact's validator does (`dica.getPublicKey(srcapuk)`). Undefined when there is no curve to inherit.
 */
export function signerUnder(pk: CvcPublicKey, issuerCurve: CurveParams | undefined): CvcSigner | undefined {
  if (pk.kind === 'ec' && pk.curve === undefined && issuerCurve === undefined) return undefined;
  return signerOf(pk, issuerCurve);
}

export interface DeviceChainVerification {
  readonly device: CvCertificate;
  readonly dica: CvCertificate | undefined;
  /**
   * The device CVC verifies with the DICA's key; undefined when that key cannot be built (its domain
   * parameters are inherited from a root that is not known).
   */
  readonly deviceVerified: boolean | undefined;
  /** CHR of the root that issued the DICA (the DICA's CAR). */
  readonly rootChr: string | undefined;
  /** The root is in the known list (the caller's first, then KNOWN_ROOTS). */
  readonly rootKnown: boolean;
  /** The known root that issued the DICA (production, test, simulator or the caller's). */
  readonly root: KnownRoot | undefined;
  /** The DICA CVC verifies with the known root key; undefined when the root is unknown. */
  readonly dicaVerified: boolean | undefined;
  /** Device ← DICA ← known root all verify. */
  readonly verified: boolean;
  /** The device's own public key (PrK.DevAut), curve inherited root → DICA → device; undefined if not derivable. */
  readonly deviceKey: CvcSigner | undefined;
  /** One line for humans, e.g. "DENK040414400000 ← DEDINK0400001 ← DESRCACC100001 (CardContact production root): verified". */
  readonly summary: string;
}

function verdict(v: Omit<DeviceChainVerification, 'summary'>): string {
  if (v.deviceVerified === false) return `device certificate does NOT verify with the key of DICA ${v.dica?.body.chr ?? '?'}`;
  if (v.deviceVerified === undefined) return 'NOT verified: the DICA key inherits its domain parameters from an unknown root';
  if (!v.rootKnown) return 'NOT verified to a known root (the device certificate verifies with the DICA key)';
  if (v.dicaVerified !== true) return `DICA certificate does NOT verify with the key of root ${v.rootChr ?? '?'}`;
  return 'verified';
}

function summarize(v: Omit<DeviceChainVerification, 'summary'>): string {
  if (v.dica === undefined) return `device ${v.device.body.chr}: no DICA certificate in EF 2F02`;
  const label = v.root === undefined ? 'unknown root' : v.root.label;
  return `${v.device.body.chr} ← ${v.dica.body.chr} ← ${v.rootChr ?? '?'} (${label}): ${verdict(v)}`;
}

/** The device key under the DICA key (for outer signatures of GAKP requests); undefined if its point is unusable. */
function deviceKeyUnder(device: CvCertificate, dica: CvcSigner | undefined): CvcSigner | undefined {
  try {
    return signerUnder(device.body.publicKey, dica?.curve);
  } catch (err) {
    if (err instanceof CvcError) return undefined;
    throw err;
  }
}

/**
 * Check EF 2F02 = device CVC ‖ DICA CVC against the known roots (§10): DICA ← root, device ← DICA,
 * the domain parameters flowing root → DICA → device. `extraRoots` are searched before KNOWN_ROOTS,
 * so a caller's root with a built-in CHR replaces the built-in one.
 */
export function verifyDeviceChain(ef2f02: Uint8Array, extraRoots: readonly KnownRoot[] = []): DeviceChainVerification {
  const [device, dica] = parseCvcChain(ef2f02);
  if (device === undefined) throw new CvcError('EF 2F02 holds no certificate');
  const root = dica === undefined ? undefined : [...extraRoots, ...KNOWN_ROOTS].find((r) => r.chr === dica.body.car);
  const dicaSigner = dica === undefined ? undefined : signerUnder(dica.body.publicKey, root?.curve);
  const deviceVerified = dica === undefined ? false : dicaSigner === undefined ? undefined : verifyCvc(device, dicaSigner);
  const dicaVerified = root === undefined || dica === undefined ? undefined : verifyCvc(dica, root);
  const base = {
    device,
    dica,
    deviceVerified,
    rootChr: dica?.body.car,
    rootKnown: root !== undefined,
    root,
    dicaVerified,
    verified: deviceVerified === true && dicaVerified === true,
    deviceKey: deviceKeyUnder(device, dicaSigner),
  };
  return { ...base, summary: summarize(base) };
}
