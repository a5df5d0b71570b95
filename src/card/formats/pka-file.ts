/**
 * The file a public key travels in to be registered for public key authentication (§3.20), as OpenSC
 * reads it (`sc_pkcs15emu_sc_hsm_decode_pka` in pkcs15-sc-hsm.c):
 *
 *   old  30 { 67 authenticated request, 7F21 device CVC, 7F21 device issuer (DICA) CVC }
 *        — what `sc-hsm-tool --export-for-pub-key-auth` writes: EF CExx ‖ EF 2F02
 *   new  30 { 06 1.3.6.1.4.1.24991.4.3.1, 61 { 7F21 DICA }, 62 { 7F21 device }, 63 { 67 request } }
 *        — CardContact's layout; OpenSC's decoder takes 61 as the DICA and 62 as the device (the
 *        comment above that decoder says the opposite), and registers the DICA first.
 *
 * Reading is liberal: which of the two certificates is the DICA is decided by the chain (the device's
 * CAR is the DICA's CHR), so a file with the certificates the other way round still reads. Writing
 * follows OpenSC's decoder, the only order sc-hsm-tool can register.
 */
import { concat } from '../../apdu/hex.ts';
import { decodeTlv, decodeTlvs, encodeTlv, type Tlv, tlvBytes } from '../../apdu/tlv.ts';
import { type AuthenticatedRequest, type CvCertificate, parseAuthenticatedRequest, parseCvc } from '../cvc.ts';
import { FileFormatError } from './errors.ts';

export type PkaLayout = 'old' | 'new';

/** OID 1.3.6.1.4.1.24991.4.3.1 (DER value) that starts the new layout. */
export const PKA_FILE_OID = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x04, 0x03, 0x01);

/** Largest PKA file read: three CV objects (sc-hsm-tool allows 4096 bytes per certificate). */
export const MAX_PKA_FILE = 16 * 1024;

export interface PkaFile {
  readonly layout: PkaLayout;
  /** The key's authenticated request (67): what MANAGE PKA registers. */
  readonly request: AuthenticatedRequest;
  /** The exporting device's certificate (its key signed the request's outer signature). */
  readonly device: CvCertificate;
  /** The device issuer CA certificate. */
  readonly dica: CvCertificate;
}

const FORMAT = 'PKA file';

function fail(message: string, hint?: string): never {
  throw new FileFormatError(FORMAT, message, hint === undefined ? {} : { hint });
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(FORMAT, `${what} is not well-formed (${(err as Error).message})`, { cause: err });
  }
}

/** The single TLV inside a 61/62/63 wrapper of the new layout. */
function unwrap(parent: Tlv, tag: number): Uint8Array {
  const inner = decodeTlvs(parent.value);
  if (inner.length !== 1) fail(`element ${tag.toString(16).toUpperCase()} must hold exactly one object`);
  return parent.value.slice();
}

/** Put device and DICA in place by the chain; fall back to the position OpenSC assumes. */
function order(a: CvCertificate, b: CvCertificate, assumeFirstIsDica: boolean): { device: CvCertificate; dica: CvCertificate } {
  if (a.body.car === b.body.chr && b.body.car !== a.body.chr) return { device: a, dica: b };
  if (b.body.car === a.body.chr && a.body.car !== b.body.chr) return { device: b, dica: a };
  return assumeFirstIsDica ? { device: b, dica: a } : { device: a, dica: b };
}

function fromParts(layout: PkaLayout, request: Uint8Array, first: Uint8Array, second: Uint8Array): PkaFile {
  const req = guard('the authenticated request', () => parseAuthenticatedRequest(request));
  if (req.outerCar === undefined) fail('the key request is not authenticated by a device (no 67 wrapper)');
  const [a, b] = guard('a device certificate', () => [parseCvc(first), parseCvc(second)] as const);
  const { device, dica } = order(a, b, layout === 'new');
  if (req.outerCar !== device.body.chr)
    fail(`the request is signed by ${req.outerCar}, but the file's device certificate is ${device.body.chr}`);
  return { layout, request: req, device, dica };
}

/** Decode either layout (§3.20); at most MAX_PKA_FILE bytes. */
export function decodePkaFile(bytes: Uint8Array): PkaFile {
  if (bytes.length > MAX_PKA_FILE) fail(`${bytes.length} bytes is more than a PKA file holds (at most ${MAX_PKA_FILE})`);
  const top = guard('the file', () => decodeTlv(bytes));
  if (top.tag !== 0x30)
    fail('it does not start with a SEQUENCE (30)', 'export the key with `schsm pka export` or `sc-hsm-tool --export-for-pub-key-auth`');
  const items = guard('the file', () => decodeTlvs(top.value));
  const at = (i: number): Tlv => items[i] ?? fail(`element ${i + 1} is missing`);
  const whole = (t: Tlv): Uint8Array => tlvBytes(top.value, t).slice();
  if (at(0).tag === 0x06) {
    if (Buffer.compare(at(0).value, PKA_FILE_OID) !== 0) fail('unknown object identifier (expected 1.3.6.1.4.1.24991.4.3.1)');
    const byTag = (tag: number): Tlv => items.find((t) => t.tag === tag) ?? fail(`element ${tag.toString(16).toUpperCase()} is missing`);
    const get = (tag: number): Uint8Array => guard(`element ${tag.toString(16)}`, () => unwrap(byTag(tag), tag));
    return fromParts('new', get(0x63), get(0x61), get(0x62));
  }
  if (at(0).tag === 0x67) {
    if (at(1).tag !== 0x7f21 || at(2).tag !== 0x7f21) fail('the old layout needs 67, 7F21, 7F21');
    return fromParts('old', whole(at(0)), whole(at(1)), whole(at(2)));
  }
  return fail(
    `the first element has tag ${at(0).tag.toString(16).padStart(2, '0').toUpperCase()}, expected 06 (new layout) or 67 (old layout)`,
  );
}

/** Encode a key request and its device chain in either layout (§3.20). */
export function encodePkaFile(layout: PkaLayout, parts: { request: Uint8Array; device: Uint8Array; dica: Uint8Array }): Uint8Array {
  const body =
    layout === 'old'
      ? concat(parts.request, parts.device, parts.dica)
      : concat(encodeTlv(0x06, PKA_FILE_OID), encodeTlv(0x61, parts.dica), encodeTlv(0x62, parts.device), encodeTlv(0x63, parts.request));
  return encodeTlv(0x30, body);
}
