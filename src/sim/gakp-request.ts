import { SW } from '../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../apdu/tlv.ts';
import { CardStatus } from './card-status.ts';
import { type Curve, curveByPrime } from './crypto/curves.ts';
import { type TaScheme, taScheme } from './cvc.ts';

/**
 * The data field of GENERATE ASYMMETRIC KEY PAIR (§3.11): the content of a CV body, i.e. 5F29 CPI,
 * 42 inner CAR, 7F49 key template, 5F20 CHR, plus the card parameters 45 outer CAR, 90 key use
 * counter, 91 allowed algorithms, 92 key domain. Anything malformed → 6A80.
 *
 * Key template: 06 TA OID; RSA: 82 public exponent, 02 modulus size in bits (1024..4096, multiple of
 * 256); EC: explicit domain parameters 81 p, 82 a, 83 b, 84 G, 85 n, 87 h — the curve is identified
 * by p (and a, to tell brainpool r1 from t1) and the other parameters must match it.
 */
export type KeySpec =
  | { readonly kind: 'rsa'; readonly bits: number; readonly exponent: number }
  | { readonly kind: 'ec'; readonly curve: Curve };

export interface GakpRequest {
  readonly car: string | undefined;
  readonly chr: string | undefined;
  readonly outerCar: string | undefined;
  readonly oid: Uint8Array;
  readonly scheme: TaScheme;
  readonly key: KeySpec;
  readonly useCounter: number | undefined;
  readonly algorithms: Uint8Array | undefined;
  readonly domain: number | undefined;
}

const bad = (why: string): never => {
  throw new CardStatus(SW.INCORRECT_DATA, why);
};

function tlvs(data: Uint8Array): Tlv[] {
  try {
    return decodeTlvs(data);
  } catch {
    return bad('malformed TLV');
  }
}

function printable(v: Uint8Array | undefined, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (v.length === 0 || v.length > 16 || !v.every((b) => b >= 0x20 && b < 0x7f)) bad(`${what} must be 1..16 printable characters`);
  return String.fromCharCode(...v);
}

function uint(v: Uint8Array): number {
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined) return false;
  const strip = (x: Uint8Array): Uint8Array =>
    x.subarray(
      Math.max(
        0,
        x.findIndex((y) => y !== 0),
      ),
    );
  const x = strip(a);
  const y = strip(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function ecSpec(t: ReadonlyMap<number, Uint8Array>): KeySpec {
  const p = t.get(0x81);
  const curve = p === undefined ? undefined : curveByPrime(p, t.get(0x82));
  if (curve === undefined) return bad('unknown curve');
  const ok =
    same(t.get(0x83), curve.b) &&
    same(t.get(0x84), curve.g) &&
    same(t.get(0x85), curve.n) &&
    (t.get(0x87) === undefined || same(t.get(0x87), Uint8Array.of(curve.h)));
  if (!ok) bad('domain parameters do not match the curve of p');
  return { kind: 'ec', curve };
}

function rsaSpec(t: ReadonlyMap<number, Uint8Array>): KeySpec {
  const size = t.get(0x02);
  const e = t.get(0x82) ?? Uint8Array.of(0x01, 0x00, 0x01);
  const bits = size === undefined || size.length > 2 ? 0 : uint(size);
  if (bits < 1024 || bits > 4096 || bits % 256 !== 0) bad('RSA modulus size must be 1024..4096 in steps of 256');
  const exponent = e.length > 4 ? 0 : uint(e);
  if (exponent < 3 || exponent % 2 === 0) bad('RSA public exponent must be odd, ≥ 3, ≤ 4 bytes');
  return { kind: 'rsa', bits, exponent };
}

function keyTemplate(value: Uint8Array): { oid: Uint8Array; scheme: TaScheme; key: KeySpec } {
  const t = new Map<number, Uint8Array>();
  for (const x of tlvs(value)) t.set(x.tag, x.value);
  const oid = t.get(0x06);
  const scheme = oid === undefined ? undefined : taScheme(oid);
  if (oid === undefined || scheme === undefined) return bad('unknown or missing key algorithm OID');
  return { oid, scheme, key: scheme.kind === 'ec' ? ecSpec(t) : rsaSpec(t) };
}

/** Parse the GAKP data field. */
export function parseGakpRequest(data: Uint8Array): GakpRequest {
  const t = new Map<number, Uint8Array>();
  for (const x of tlvs(data)) t.set(x.tag, x.value);
  const template = t.get(0x7f49);
  if (template === undefined) return bad('key template 7F49 missing');
  const counter = t.get(0x90);
  const algorithms = t.get(0x91);
  const domain = t.get(0x92);
  if (counter !== undefined && (counter.length !== 4 || uint(counter) === 0)) bad('key use counter 90 must be 4 bytes, not 0');
  if (algorithms !== undefined && (algorithms.length === 0 || algorithms.length > 16)) bad('algorithm list 91 must hold 1..16 ids');
  if (domain !== undefined && domain.length !== 1) bad('key domain 92 must be 1 byte');
  return {
    car: printable(t.get(0x42), 'CAR'),
    chr: printable(t.get(0x5f20), 'CHR'),
    outerCar: printable(t.get(0x45), 'outer CAR'),
    ...keyTemplate(template),
    useCounter: counter === undefined ? undefined : uint(counter),
    algorithms: algorithms === undefined ? undefined : Uint8Array.from(algorithms),
    domain: domain?.[0],
  };
}
