/**
 * EF 2F02 read liberally (§10). A CardContact card holds `device CVC ‖ DICA CVC`, checked by
 * cvc-verify.ts against the known roots. Other implementations hold something else: the independent
 * Pico HSM card has `67 {authenticated CV request of the device key} ‖ 7F21
 * {self-signed certificate}`. Such a device still has a CHR (and so a serial) and signatures that can
 * be checked; what cannot be verified is that anyone we trust issued it. This module says which is which
 * instead of failing on the first tag that is not 7F21.
 */
import { decodeTlvs, tlvBytes } from '../apdu/tlv.ts';
import { parseAuthenticatedRequest, parseCvc, type AuthenticatedRequest, type CvCertificate } from './cvc.ts';
import { signerOf, verifyCvc, verifyDeviceChain, verifyTaSignature, type DeviceChainVerification } from './cvc-verify.ts';
import { CvcError } from './host-errors.ts';
import type { KnownRoot } from './trust-anchors.ts';

/** One top-level object of EF 2F02. */
export type DeviceCertificateElement =
  | { readonly kind: 'certificate'; readonly certificate: CvCertificate }
  | { readonly kind: 'request'; readonly request: AuthenticatedRequest }
  | { readonly kind: 'other'; readonly tag: number };

/** Split EF 2F02 into certificates (7F21), authenticated requests (67) and anything else. Throws CvcError when it is not TLV. */
export function parseDeviceCertificates(ef2f02: Uint8Array): DeviceCertificateElement[] {
  let tlvs: ReturnType<typeof decodeTlvs>;
  try {
    tlvs = decodeTlvs(ef2f02, { allowPadding: true });
  } catch (cause) {
    throw new CvcError('EF 2F02 is not well-formed TLV', cause);
  }
  return tlvs.map((t) => {
    const bytes = tlvBytes(ef2f02, t);
    if (t.tag === 0x7f21) return { kind: 'certificate', certificate: parseCvc(bytes) };
    if (t.tag === 0x67) return { kind: 'request', request: parseAuthenticatedRequest(bytes) };
    return { kind: 'other', tag: t.tag };
  });
}

/** The device CHR: the holder of the first certificate or request in EF 2F02. */
export function deviceChrOf(elements: readonly DeviceCertificateElement[]): string | undefined {
  const first = elements.find((e) => e.kind !== 'other');
  if (first === undefined) return undefined;
  return first.kind === 'certificate' ? first.certificate.body.chr : first.kind === 'request' ? first.request.request.body.chr : undefined;
}

/** Serial = device CHR minus its 5-character sequence number (§10); undefined for CHRs too short to have one. */
export function serialOfChr(chr: string | undefined): string | undefined {
  return chr !== undefined && chr.length > 5 ? chr.slice(0, -5) : undefined;
}

/** What EF 2F02 of a device that does not follow CardContact's layout proves about itself. */
export interface SelfDescribedIdentity {
  readonly chr: string | undefined;
  /** "an authenticated CV request and a self-signed certificate", for messages. */
  readonly contents: string;
  /** Every signature that could be checked with a key from EF 2F02 itself, and whether it verifies. */
  readonly signatures: readonly { readonly what: string; readonly verified: boolean }[];
  /** What could not be verified, one reason each (always at least the missing issuer). */
  readonly notVerified: readonly string[];
  readonly summary: string;
}

export type DeviceIdentityCheck =
  | { readonly layout: 'device-and-issuer'; readonly chain: DeviceChainVerification }
  | { readonly layout: 'other'; readonly identity: SelfDescribedIdentity };

function describe(elements: readonly DeviceCertificateElement[]): string {
  const names = elements.map((e) =>
    e.kind === 'request'
      ? 'an authenticated CV request'
      : e.kind === 'certificate'
        ? e.certificate.body.car === e.certificate.body.chr
          ? 'a self-signed certificate'
          : `a certificate issued by ${e.certificate.body.car ?? '?'}`
        : `an object with tag ${e.tag.toString(16).toUpperCase()}`,
  );
  return names.length === 0 ? 'nothing' : names.join(' and ');
}

/** Signatures checkable with the keys EF 2F02 carries itself: request inner/outer, self-signed certificates. */
function selfSignatures(elements: readonly DeviceCertificateElement[]): { what: string; verified: boolean }[] {
  const out: { what: string; verified: boolean }[] = [];
  for (const e of elements) {
    try {
      if (e.kind === 'request') {
        const own = signerOf(e.request.request.body.publicKey);
        out.push({ what: `request ${e.request.request.body.chr}: self-signature`, verified: verifyCvc(e.request.request, own) });
        const { outerSignature, outerSignedBytes } = e.request;
        if (outerSignature !== undefined && outerSignedBytes !== undefined && e.request.outerCar === '')
          out.push({
            what: 'request: outer signature by the same key',
            verified: verifyTaSignature(outerSignedBytes, outerSignature, own.key, own.oid),
          });
      } else if (e.kind === 'certificate' && e.certificate.body.car === e.certificate.body.chr) {
        out.push({
          what: `certificate ${e.certificate.body.chr}: self-signature`,
          verified: verifyCvc(e.certificate, signerOf(e.certificate.body.publicKey)),
        });
      }
    } catch (err) {
      if (!(err instanceof CvcError)) throw err;
      out.push({ what: `${e.kind} ${deviceChrOf([e]) ?? ''}: unusable public key (${err.message})`.replace('  ', ' '), verified: false });
    }
  }
  return out;
}

function selfDescribed(elements: readonly DeviceCertificateElement[]): SelfDescribedIdentity {
  const chr = deviceChrOf(elements);
  const contents = describe(elements);
  const signatures = selfSignatures(elements);
  const bad = signatures.filter((s) => !s.verified);
  const notVerified = [`no certificate in EF 2F02 is issued by a known root (CardContact's device PKI): it holds ${contents}`];
  const sigText =
    signatures.length === 0
      ? 'no signature could be checked'
      : bad.length === 0
        ? `its ${signatures.length} self-signature(s) verify`
        : `${bad.length} of its self-signature(s) do NOT verify`;
  const summary = `${chr ?? '?'}: ${contents}; ${sigText}; NOT verified as a genuine device (no issuer certificate)`;
  return { chr, contents, signatures, notVerified, summary };
}

/**
 * Check EF 2F02 whatever its layout: `7F21 device ‖ 7F21 issuer` goes to verifyDeviceChain (the
 * CardContact chain to a known root); anything else (a request first, a single self-signed
 * certificate) is described with the signatures it lets us check. Throws CvcError only when the
 * content is not TLV or holds a malformed certificate.
 */
export function checkDeviceIdentity(ef2f02: Uint8Array, extraRoots: readonly KnownRoot[] = []): DeviceIdentityCheck {
  const elements = parseDeviceCertificates(ef2f02);
  const [first, second] = elements;
  if (
    first?.kind === 'certificate' &&
    second?.kind === 'certificate' &&
    elements.length === 2 &&
    second.certificate.body.chr === first.certificate.body.car
  )
    return { layout: 'device-and-issuer', chain: verifyDeviceChain(ef2f02, extraRoots) };
  if (first?.kind === 'certificate' && elements.length === 1 && first.certificate.body.car !== first.certificate.body.chr)
    return { layout: 'device-and-issuer', chain: verifyDeviceChain(ef2f02, extraRoots) };
  if (elements.length === 0) throw new CvcError('EF 2F02 holds no certificate');
  return { layout: 'other', identity: selfDescribed(elements) };
}
