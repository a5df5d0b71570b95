/**
 * Card-verifiable certificates and requests (BSI TR-03110 style), as the SmartCard-HSM uses them (§10):
 *
 *   7F21 { 7F4E { 5F29 CPI, 42 CAR, 7F49 public key, 5F20 CHR, [7F4C CHAT], [5F25 from], [5F24 to], [65 ext] },
 *          5F37 signature }                                           certificate / self-signed request
 *   67 { 7F21 {…}, 42 outer CAR, 5F37 outer signature }               authenticated request (GAKP answer)
 *
 * Decoding only; signature checks are in cvc-verify.ts, KeyObject conversion in cvc-key.ts.
 */
import { decodeTlv, decodeTlvs, tlvBytes, type Tlv } from '../apdu/tlv.ts';
import { formatOid } from '../apdu/oid.ts';
import { curveByPrime, type CurveParams } from './curves.ts';
import { CvcError } from './host-errors.ts';

/** Public key template 7F49: RSA (81 n, 82 e) or EC (81 p … 87 h, 86 Q). */
export type CvcPublicKey =
  | { readonly kind: 'rsa'; readonly oid: Uint8Array; readonly modulus: Uint8Array; readonly exponent: Uint8Array }
  | {
      readonly kind: 'ec';
      readonly oid: Uint8Array;
      /** Curve identified by the prime (tag 81); undefined when the template carries no domain parameters. */
      readonly curve: CurveParams | undefined;
      /** Public point 04‖x‖y (tag 86); absent in GAKP command data. */
      readonly point: Uint8Array | undefined;
    };

export interface CvcBody {
  readonly cpi: number;
  /** Certification authority reference (42), e.g. "UTCA00001". */
  readonly car: string | undefined;
  readonly publicKey: CvcPublicKey;
  /** Certificate holder reference (5F20), e.g. "DENK010570200001". */
  readonly chr: string;
  readonly chat: { readonly oid: Uint8Array; readonly role: Uint8Array } | undefined;
  readonly effectiveDate: Date | undefined;
  readonly expirationDate: Date | undefined;
  /** The complete 7F4E TLV: the input of the signature (§10). */
  readonly bytes: Uint8Array;
}

export interface CvCertificate {
  readonly body: CvcBody;
  /** 5F37: ECDSA r‖s or RSA PKCS#1 v1.5 (§10). */
  readonly signature: Uint8Array;
  /** The complete 7F21 TLV. */
  readonly bytes: Uint8Array;
}

export interface AuthenticatedRequest {
  /** The inner, self-signed request. */
  readonly request: CvCertificate;
  /** Outer CAR: CHR of the key that signed the outer signature (device key for GAKP P2 = 00). */
  readonly outerCar: string | undefined;
  readonly outerSignature: Uint8Array | undefined;
  /** Input of the outer signature: 7F21 TLV ‖ 42 TLV (pico asn1_cvc_aut, §10). */
  readonly outerSignedBytes: Uint8Array | undefined;
  /** The complete 67 TLV (or the 7F21 TLV when the request was not authenticated). */
  readonly bytes: Uint8Array;
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

function child(tlvs: readonly Tlv[], tag: number): Tlv | undefined {
  return tlvs.find((t) => t.tag === tag);
}

function need(tlvs: readonly Tlv[], tag: number, where: string): Tlv {
  const t = child(tlvs, tag);
  if (t === undefined) throw new CvcError(`${where} lacks tag ${tag.toString(16).toUpperCase()}`);
  return t;
}

/** Hex of an unsigned big-endian integer without leading zeros ('' for zero). */
function canonical(b: Uint8Array): string {
  const i = b.findIndex((v) => v !== 0);
  return i < 0 ? '' : Buffer.from(b.subarray(i)).toString('hex');
}

/**
 * The curve of an EC template with explicit domain parameters (81 p, 82 a, 83 b, 84 G, 85 n, 87 h),
 * identified by p as the card does; every other parameter present must match that curve, so a key is
 * never read on a curve its template does not describe. Undefined when the template has no 81: real
 * DICA and device certificates carry only 06 + 86 and inherit the issuer's curve (cvc-verify.ts).
 */
function explicitCurve(tlvs: readonly Tlv[]): CurveParams | undefined {
  const p = child(tlvs, 0x81);
  if (p === undefined) return undefined;
  const curve = curveByPrime(p.value);
  if (curve === undefined) throw new CvcError('EC key on an unsupported curve (prime not in the curve table)');
  const expected: readonly (readonly [number, Uint8Array, string])[] = [
    [0x82, curve.a, 'a'],
    [0x83, curve.b, 'b'],
    [0x84, curve.g, 'G'],
    [0x85, curve.n, 'order'],
    [0x87, curve.h, 'cofactor'],
  ];
  for (const [tag, want, name] of expected) {
    const got = child(tlvs, tag);
    if (got !== undefined && canonical(got.value) !== canonical(want))
      throw new CvcError(
        `EC domain parameter ${name} (tag ${tag.toString(16).toUpperCase()}) does not match ${curve.name}, the curve of its prime`,
      );
  }
  return curve;
}

/** Decode a public key template 7F49 (value bytes). */
export function parsePublicKeyTemplate(value: Uint8Array): CvcPublicKey {
  const tlvs = decodeTlvs(value);
  const oid = need(tlvs, 0x06, 'public key 7F49').value;
  const dotted = formatOid(oid) ?? '';
  if (dotted.startsWith('0.4.0.127.0.7.2.2.2.1.')) {
    return { kind: 'rsa', oid, modulus: need(tlvs, 0x81, 'RSA key').value, exponent: need(tlvs, 0x82, 'RSA key').value };
  }
  if (dotted.startsWith('0.4.0.127.0.7.2.2.2.2.')) return { kind: 'ec', oid, curve: explicitCurve(tlvs), point: child(tlvs, 0x86)?.value };
  throw new CvcError(`public key algorithm ${dotted} is not a TR-03110 id-TA RSA or ECDSA OID`);
}

/** YYMMDD as six unpacked BCD digits (5F25 / 5F24) → UTC date. */
export function parseCvcDate(value: Uint8Array): Date {
  if (value.length !== 6 || value.some((d) => d > 9)) throw new CvcError('date is not six digits YYMMDD');
  const n = (i: number): number => (value[i] ?? 0) * 10 + (value[i + 1] ?? 0);
  return new Date(Date.UTC(2000 + n(0), n(2) - 1, n(4)));
}

function parseBody(tlv: Tlv, source: Uint8Array): CvcBody {
  const tlvs = decodeTlvs(tlv.value);
  const chatTlv = child(tlvs, 0x7f4c);
  const chat = chatTlv === undefined ? undefined : decodeTlvs(chatTlv.value);
  const date = (tag: number): Date | undefined => {
    const t = child(tlvs, tag);
    return t === undefined ? undefined : parseCvcDate(t.value);
  };
  const car = child(tlvs, 0x42);
  return {
    cpi: child(tlvs, 0x5f29)?.value[0] ?? 0,
    car: car === undefined ? undefined : latin1(car.value),
    publicKey: parsePublicKeyTemplate(need(tlvs, 0x7f49, 'certificate body').value),
    chr: latin1(need(tlvs, 0x5f20, 'certificate body').value),
    chat: chat === undefined ? undefined : { oid: need(chat, 0x06, 'CHAT').value, role: need(chat, 0x53, 'CHAT').value },
    effectiveDate: date(0x5f25),
    expirationDate: date(0x5f24),
    bytes: tlvBytes(source, tlv),
  };
}

function certificateFrom(tlv: Tlv, source: Uint8Array): CvCertificate {
  if (tlv.tag !== 0x7f21) throw new CvcError(`expected tag 7F21, got ${tlv.tag.toString(16).toUpperCase()}`);
  const inner = decodeTlvs(tlv.value);
  const body = need(inner, 0x7f4e, 'CV certificate');
  return {
    body: parseBody({ ...body, offset: tlv.offset + tlv.headerLength + body.offset }, source),
    signature: need(inner, 0x5f37, 'CV certificate').value,
    bytes: tlvBytes(source, tlv),
  };
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CvcError) throw err;
    throw new CvcError(`${what} is not well-formed TLV`, err);
  }
}

/** Decode one CV certificate `7F21 …` (the bytes must hold exactly one TLV). */
export function parseCvc(bytes: Uint8Array): CvCertificate {
  return wrap('CV certificate', () => certificateFrom(decodeTlv(bytes), bytes));
}

/** Decode a concatenation of CV certificates (EF 2F02 = device CVC ‖ DICA CVC, §10). */
export function parseCvcChain(bytes: Uint8Array): CvCertificate[] {
  return wrap('certificate chain', () => decodeTlvs(bytes, { allowPadding: true }).map((t) => certificateFrom(t, bytes)));
}

/** Decode an authenticated request `67 { 7F21, 42, 5F37 }` (GAKP answer, EF CExx) or a bare `7F21` request. */
export function parseAuthenticatedRequest(bytes: Uint8Array): AuthenticatedRequest {
  return wrap('authenticated request', () => {
    const top = decodeTlv(bytes);
    if (top.tag === 0x7f21)
      return { request: certificateFrom(top, bytes), outerCar: undefined, outerSignature: undefined, outerSignedBytes: undefined, bytes };
    if (top.tag !== 0x67) throw new CvcError(`expected tag 67 or 7F21, got ${top.tag.toString(16).toUpperCase()}`);
    const base = top.headerLength;
    const inner = decodeTlvs(top.value).map((t) => ({ ...t, offset: t.offset + base }));
    const cert = need(inner, 0x7f21, 'authenticated request');
    const car = child(inner, 0x42);
    const request = certificateFrom(cert, bytes);
    const outerSignedBytes = car === undefined ? undefined : bytes.slice(cert.offset, car.offset + car.headerLength + car.value.length);
    return {
      request,
      outerCar: car === undefined ? undefined : latin1(car.value),
      outerSignature: child(inner, 0x5f37)?.value,
      outerSignedBytes,
      bytes,
    };
  });
}
