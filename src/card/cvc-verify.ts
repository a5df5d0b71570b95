/**
 * Signature checks of CV certificates and requests (§10): ECDSA with plain r‖s or RSA PKCS#1 v1.5 /
 * PSS over the complete 7F4E TLV, the hash given by the signer key's id-TA OID (BSI TR-03110 part 3);
 * the outer signature of an authenticated request over 7F21 TLV ‖ 42 TLV; and the device chain of
 * EF 2F02 (device CVC ← DICA CVC ← root, the root not being on the card).
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { fromHex } from '../apdu/hex.ts';
import { formatOid } from '../apdu/oid.ts';
import { curveByName, type CurveParams } from './curves.ts';
import { parseCvcChain, type AuthenticatedRequest, type CvCertificate, type CvcPublicKey } from './cvc.ts';
import { curveOfKey, cvcPublicKeyToKeyObject, ecSpki } from './cvc-key.ts';
import { CvcError } from './host-errors.ts';

type Scheme = { readonly hash: string; readonly kind: 'ecdsa' | 'rsa-v1.5' | 'rsa-pss' };

/** id-TA-* OID (last two arcs) → signature scheme. */
const SCHEMES: Readonly<Record<string, Scheme>> = {
  '1.1': { hash: 'sha1', kind: 'rsa-v1.5' }, '1.2': { hash: 'sha256', kind: 'rsa-v1.5' },
  '1.3': { hash: 'sha1', kind: 'rsa-pss' }, '1.4': { hash: 'sha256', kind: 'rsa-pss' },
  '1.5': { hash: 'sha512', kind: 'rsa-v1.5' }, '1.6': { hash: 'sha512', kind: 'rsa-pss' },
  '2.1': { hash: 'sha1', kind: 'ecdsa' }, '2.2': { hash: 'sha224', kind: 'ecdsa' }, '2.3': { hash: 'sha256', kind: 'ecdsa' },
  '2.4': { hash: 'sha384', kind: 'ecdsa' }, '2.5': { hash: 'sha512', kind: 'ecdsa' },
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
  const opts = s.kind === 'ecdsa' ? { key, dsaEncoding: 'ieee-p1363' as const }
    : s.kind === 'rsa-pss' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : { key };
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

/** A root CA public key the host trusts (roots are never on the card). */
export interface KnownRoot {
  readonly chr: string;
  readonly key: KeyObject;
  /** id-TA OID the root signs with. */
  readonly oid: Uint8Array;
  readonly description: string;
}

function ecRoot(chr: string, curve: string, point: string, description: string): KnownRoot {
  const c = curveByName(curve);
  if (c === undefined) throw new CvcError(`root ${chr}: curve ${curve} missing`);
  const key = createPublicKey({ key: Buffer.from(ecSpki(c, fromHex(point))), format: 'der', type: 'spki' });
  return { chr, key, oid: fromHex('04007F00070202020203'), description };
}

/**
 * Roots known to schsm. Only the simulator's test root (src/sim/device-identity.ts, CHR UTSRCASIM00001,
 * brainpoolP256r1) is built in: it proves nothing but "made by the schsm simulator". CardContact's
 * roots (DESRCACC100001, UTSRCACC100001) can be passed by the caller.
 */
export const KNOWN_ROOTS: readonly KnownRoot[] = [
  ecRoot('UTSRCASIM00001', 'brainpoolP256r1',
    '0419279AC6CBD107DFB006892CA4DC974CC9075FF52113525251E6811D77A1156D2DBE09AC659C7D9525D866638C632D92745392181064F65BC75F6283B4B26772',
    'schsm simulator test root (not a CardContact root: proves only "simulated")'),
];

export interface DeviceChainVerification {
  readonly device: CvCertificate;
  readonly dica: CvCertificate | undefined;
  /** The device CVC verifies with the DICA's key. */
  readonly deviceVerified: boolean;
  /** CHR of the root that issued the DICA (the DICA's CAR). */
  readonly rootChr: string | undefined;
  /** The root is in the known list (built-in plus the caller's). */
  readonly rootKnown: boolean;
  /** The DICA CVC verifies with the known root key; undefined when the root is unknown. */
  readonly dicaVerified: boolean | undefined;
  /** One line for humans, e.g. "verified up to DICA UTDICASIM00001; root UTSRCASIM00001 known, DICA verified". */
  readonly summary: string;
}

function summarize(v: Omit<DeviceChainVerification, 'summary'>): string {
  if (v.dica === undefined) return `device ${v.device.body.chr}: no DICA certificate in EF 2F02`;
  const head = v.deviceVerified ? `verified up to DICA ${v.dica.body.chr}` : `device certificate does NOT verify with DICA ${v.dica.body.chr}`;
  if (!v.rootKnown) return `${head}; root ${v.rootChr ?? '?'} unknown`;
  return `${head}; root ${v.rootChr ?? '?'} known, DICA ${v.dicaVerified === true ? 'verified' : 'does NOT verify'}`;
}

/** Check EF 2F02 = device CVC ‖ DICA CVC against the known roots (§10). */
export function verifyDeviceChain(ef2f02: Uint8Array, extraRoots: readonly KnownRoot[] = []): DeviceChainVerification {
  const [device, dica] = parseCvcChain(ef2f02);
  if (device === undefined) throw new CvcError('EF 2F02 holds no certificate');
  const root = dica === undefined ? undefined : [...extraRoots, ...KNOWN_ROOTS].find((r) => r.chr === dica.body.car);
  const rootCurve = root !== undefined && root.key.asymmetricKeyType === 'ec' ? curveOfKey(root.key) : undefined;
  const dicaSigner = dica === undefined ? undefined : signerOf(dica.body.publicKey, rootCurve ?? curveOfDevice(device));
  const base = {
    device, dica,
    deviceVerified: dicaSigner !== undefined && verifyCvc(device, dicaSigner),
    rootChr: dica?.body.car,
    rootKnown: root !== undefined,
    dicaVerified: root === undefined || dica === undefined ? undefined : verifyCvc(dica, root),
  };
  return { ...base, summary: summarize(base) };
}

/** Fallback curve for a DICA key without domain parameters: the device key's (same PKI). */
function curveOfDevice(device: CvCertificate): CurveParams | undefined {
  return device.body.publicKey.kind === 'ec' ? device.body.publicKey.curve : undefined;
}
