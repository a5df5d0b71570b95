import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { childrenOf, decodeTlv, type Tlv } from '../../src/apdu/tlv.ts';

/**
 * Test-side checks of CV certificates and requests: TLV navigation (the generic BER decoder of
 * src/apdu, not the simulator's CVC encoder), public keys rebuilt as SPKI DER by hand, signatures
 * verified with node:crypto, and curve parameters taken from OpenSSL itself.
 */

export const CURVE_OID: Record<string, string> = {
  prime256v1: '2a8648ce3d030107',
  secp384r1: '2b81040022',
  secp521r1: '2b81040023',
  secp256k1: '2b8104000a',
  brainpoolP256r1: '2b2403030208010107',
  brainpoolP384r1: '2b240303020801010b',
  brainpoolP512r1: '2b240303020801010d',
};

function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
  return Buffer.concat([Buffer.of(tag), len, body]);
}

/** EC public key from curve name and uncompressed point (SPKI built here). */
export function ecPublicKey(curve: string, point: Uint8Array): KeyObject {
  const oid = CURVE_OID[curve];
  if (oid === undefined) throw new Error(`test has no OID for ${curve}`);
  const alg = der(0x30, Buffer.concat([der(0x06, Buffer.from('2a8648ce3d0201', 'hex')), der(0x06, Buffer.from(oid, 'hex'))]));
  const spki = der(0x30, Buffer.concat([alg, der(0x03, Buffer.concat([Buffer.of(0), Buffer.from(point)]))]));
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

export function rsaPublicKey(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(e).toString('base64url') },
    format: 'jwk',
  });
}

/**
 * The whole TLV encoding (tag, length, value) of an element decoded anywhere inside `source`: child
 * offsets are relative to their parent, but every value is a view into `source`'s buffer.
 */
export function whole(source: Uint8Array, t: Tlv): Uint8Array {
  const valueStart = t.value.byteOffset - source.byteOffset;
  return source.subarray(valueStart - t.headerLength, valueStart + t.value.length);
}

export function child(t: Tlv, tag: number): Tlv {
  const c = childrenOf(t).find((x) => x.tag === tag);
  if (c === undefined) throw new Error(`no tag ${tag.toString(16)} in ${t.tag.toString(16)}`);
  return c;
}

export const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Verify a plain r‖s ECDSA-SHA256 signature. */
export function verifyEcdsa(key: KeyObject, data: Uint8Array, signature: Uint8Array, hash = 'sha256'): boolean {
  return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/** The CVCs in EF 2F02 (device ‖ DICA), decoded. */
export function cvcs(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let rest = content;
  let base = 0;
  while (rest.length > 0) {
    const t = decodeTlvAt0(rest);
    out.push({ ...t, offset: t.offset + base });
    const n = t.headerLength + t.value.length;
    rest = rest.subarray(n);
    base += n;
  }
  return out;
}

function decodeTlvAt0(b: Uint8Array): Tlv {
  // decodeTlv wants the buffer filled exactly; find the first element's length by its header.
  const l0 = b[1] === 0x21 ? 2 : 1;
  const first = b[l0] ?? 0;
  const lenBytes = first < 0x80 ? 0 : first & 0x7f;
  let len = first < 0x80 ? first : 0;
  for (let i = 0; i < lenBytes; i++) len = len * 256 + (b[l0 + 1 + i] ?? 0);
  return decodeTlv(b.subarray(0, l0 + 1 + lenBytes + len));
}

/** Explicit domain parameters of a named curve, from `openssl ecparam -param_enc explicit`. */
export function opensslCurve(name: string): { p: Uint8Array; a: Uint8Array; b: Uint8Array; g: Uint8Array; n: Uint8Array; h: Uint8Array } {
  const ecp = decodeTlv(new Uint8Array(execFileSync('openssl', ['ecparam', '-name', name, '-param_enc', 'explicit', '-outform', 'DER'])));
  const [, field, curve, g, n, h] = childrenOf(ecp);
  const [, p] = childrenOf(field!);
  const [a, b] = childrenOf(curve!);
  const unsigned = (x: Uint8Array): Uint8Array => (x[0] === 0 && x.length > 1 ? x.subarray(1) : x);
  return { p: unsigned(p!.value), a: a!.value, b: b!.value, g: g!.value, n: unsigned(n!.value), h: h!.value };
}
