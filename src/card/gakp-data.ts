/**
 * Command data of GENERATE ASYMMETRIC KEY PAIR: the CONTENT of a CV-certificate body 7F4E (§3.11):
 * `5F29 00 | 42 CAR | 7F49 {public key template} | 5F20 CHR | [45 outer CAR] | [90 use counter] |
 * [91 algorithms] | [92 key domain]`. RSA: `06 id-TA-RSA-v1-5-SHA-256, 82 03 010001, 02 02 <bits>`;
 * EC: `06 id-TA-ECDSA-SHA-256, 81 p, 82 a, 83 b, 84 G, 85 n, 87 h` (explicit domain parameters).
 */
import { concat, u16 } from '../apdu/hex.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import { TA_OID } from './constants.ts';
import { curveByName, type CurveAlias, type CurveName, type CurveParams } from './curves.ts';
import { InvalidArgumentError } from './host-errors.ts';

/** Key pair to generate: RSA with a modulus size, or EC on a named curve (any alias: "P-256", "prime256v1"). */
/** RSA key sizes the card generates (1024..4096 in steps of 256). */
export type RsaBits = 1024 | 1280 | 1536 | 1792 | 2048 | 2304 | 2560 | 2816 | 3072 | 3328 | 3584 | 3840 | 4096;

export type AsymmetricKeySpec =
  | { readonly kind: 'rsa'; readonly bits: RsaBits }
  | { readonly kind: 'ec'; readonly curve: CurveName | CurveAlias };

export interface GakpDataOptions {
  readonly key: AsymmetricKeySpec;
  /** Certificate holder reference (5F20); OpenSC: device serial + "00001" (§3.11). */
  readonly chr: string;
  /** Inner CAR (42); default "UTCA00001" like OpenSC. */
  readonly car?: string;
  /** Outer CAR (45), optional. */
  readonly outerCar?: string;
  /** Key use counter (90, 4 bytes), 1..2^32−1. */
  readonly keyUseCounter?: number;
  /** Allowed algorithm ids (91), ≤ 16 (§4). */
  readonly algorithms?: readonly number[];
  /** Key domain (92). */
  readonly keyDomain?: number;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** RSA modulus sizes the card generates: 1024..4096 in steps of 256 (OpenSC advertises 1024/1536/2048/3072/4096). */
export function checkRsaBits(bits: number): RsaBits {
  if (!Number.isInteger(bits) || bits < 1024 || bits > 4096 || bits % 256 !== 0) {
    throw new InvalidArgumentError(`RSA key size ${bits} is not supported`, 'use 1024, 1536, 2048, 3072 or 4096');
  }
  return bits as RsaBits;
}

/** Curve by any name, or InvalidArgumentError listing what is supported. */
export function requireCurve(name: string): CurveParams {
  const c = curveByName(name);
  if (c === undefined)
    throw new InvalidArgumentError(
      `curve ${name} is not supported`,
      'use prime256v1, secp384r1, secp521r1, brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 or secp256k1',
    );
  return c;
}

/** The 7F49 public key template (value) for a key spec. */
export function encodeKeyTemplate(key: AsymmetricKeySpec): Uint8Array {
  if (key.kind === 'rsa') {
    const bits = checkRsaBits(key.bits);
    return concat(encodeTlv(0x06, TA_OID.RSA_V1_5_SHA_256), encodeTlv(0x82, Uint8Array.of(1, 0, 1)), encodeTlv(0x02, u16(bits)));
  }
  const c = requireCurve(key.curve);
  return concat(
    encodeTlv(0x06, TA_OID.ECDSA_SHA_256),
    encodeTlv(0x81, c.p),
    encodeTlv(0x82, c.a),
    encodeTlv(0x83, c.b),
    encodeTlv(0x84, c.g),
    encodeTlv(0x85, c.n),
    encodeTlv(0x87, c.h),
  );
}

function u32(v: number): Uint8Array {
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new InvalidArgumentError(`key use counter must be 1..4294967295, got ${v}`);
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** The optional trailing tags 45/90/91/92. */
function optionalTags(o: GakpDataOptions): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (o.outerCar !== undefined) out.push(encodeTlv(0x45, text(o.outerCar)));
  if (o.keyUseCounter !== undefined) out.push(encodeTlv(0x90, u32(o.keyUseCounter)));
  if (o.algorithms !== undefined) {
    if (o.algorithms.length === 0 || o.algorithms.length > 16)
      throw new InvalidArgumentError('the allowed-algorithm list must have 1..16 entries');
    out.push(encodeTlv(0x91, Uint8Array.from(o.algorithms)));
  }
  if (o.keyDomain !== undefined) out.push(encodeTlv(0x92, Uint8Array.of(o.keyDomain)));
  return out;
}

/** GAKP command data (§3.11, §11.2). */
export function encodeGakpData(o: GakpDataOptions): Uint8Array {
  return concat(
    encodeTlv(0x5f29, Uint8Array.of(0)),
    encodeTlv(0x42, text(o.car ?? 'UTCA00001')),
    encodeTlv(0x7f49, encodeKeyTemplate(o.key)),
    encodeTlv(0x5f20, text(o.chr)),
    ...optionalTags(o),
  );
}
