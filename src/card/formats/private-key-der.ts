/**
 * A private key (unencrypted PKCS#8 PrivateKeyInfo, RFC 5208) → the components of a SmartCard-HSM key
 * blob (§9.1), the way CardContact's DKEK.js `encodeKey` lays them out:
 *   RSA ≤ 2048 bits: type 6 (CRT) dP, dQ, p, qInv, q, n, e; RSA > 2048 bits: type 5 d, n, e (DKEK.js
 *     converts those "from CRT to private exponent form"; d = e⁻¹ mod (n − p − q + 1) as it does);
 *   EC: type 12 with the curve's a, b, p, order, G at full field length, d, Q = 04‖x‖y (§9.1, real
 *     card form); the curve from the named-curve OID, or from the prime of explicit parameters.
 *   RSAPrivateKey (RFC 8017 A.1.2) = SEQUENCE { 0, n, e, d, p, q, dP, dQ, qInv }
 *   ECPrivateKey  (RFC 5915)       = SEQUENCE { 1, OCTET STRING d, [0] parameters?, [1] BIT STRING Q? }
 * All key material stays in Uint8Arrays the caller wipes (`wipeKeyBlobKey`).
 */
import { createECDH, type KeyObject } from 'node:crypto';
import { curveByPrime, CURVES, type CurveParams } from '../curves.ts';
import { rsaPublicKey } from '../cvc-key.ts';
import { type DerNode, DerError, derExplicit, derOctets, derOid, derSequence, derSmallInt, derUnsigned, readDer } from './der.ts';
import { FileFormatError } from './errors.ts';
import type { KeyBlobKey } from './key-blob-layout.ts';
import { ecPublicKey } from './public-key.ts';
import { bigintToBytes, bytesToBigint } from './threshold.ts';

const FORMAT = 'private key';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC = '1.2.840.10045.2.1';

/** A private key ready for a key blob, with what the host knows about it publicly. */
export interface PrivateKeyMaterial {
  readonly kind: 'rsa' | 'ec';
  readonly key: KeyBlobKey;
  /** RSA modulus bits or EC field bits. */
  readonly bits: number;
  readonly curve: CurveParams | undefined;
  readonly publicKey: KeyObject;
}

/** Big-endian bytes of `v`, left-padded to `length`. */
const fixed = (v: Uint8Array, length: number): Uint8Array => bigintToBytes(bytesToBigint(v), Math.max(length, v.length));

function rsaFrom(der: Uint8Array): PrivateKeyMaterial {
  const f = derSequence(readDer(der), 'RSAPrivateKey', 9);
  const [n, e, , p, q, dP, dQ, qInv] = f.slice(1, 9).map((x, i) => derUnsigned(x, `RSA component ${i + 1}`)) as Uint8Array[] as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const bits = bytesToBigint(n).toString(2).length;
  if (bits < 1024 || bits > 4096) throw new FileFormatError(FORMAT, `RSA key of ${bits} bits: the SmartCard-HSM takes 1024..4096`);
  const publicKey = rsaPublicKey(n, e);
  const modulusBytes = Math.ceil(bits / 8);
  if (modulusBytes > 256) {
    const [bn, bp, bq, be] = [n, p, q, e].map(bytesToBigint) as [bigint, bigint, bigint, bigint];
    const phi = bn - bp - bq + 1n;
    const dd = modInverse(be, phi);
    return {
      kind: 'rsa',
      key: { kind: 'rsa', d: bigintToBytes(dd, modulusBytes), n: fixed(n, modulusBytes), e: e.slice() },
      bits,
      curve: undefined,
      publicKey,
    };
  }
  const half = Math.ceil(bits / 16);
  const key: KeyBlobKey = {
    kind: 'rsa-crt',
    dP: fixed(dP, half),
    dQ: fixed(dQ, half),
    p: fixed(p, half),
    qInv: fixed(qInv, half),
    q: fixed(q, half),
    n: fixed(n, modulusBytes),
    e: e.slice(),
  };
  return { kind: 'rsa', key, bits, curve: undefined, publicKey };
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new FileFormatError(FORMAT, 'RSA public exponent is not invertible: the key is inconsistent');
  return ((s0 % m) + m) % m;
}

function curveOf(params: DerNode | undefined): CurveParams {
  if (params?.tag === 6) {
    const oid = derOid(params, 'curve OID');
    const curve = CURVES.find((c) => c.oid === oid);
    if (curve === undefined)
      throw new FileFormatError(FORMAT, `EC curve ${oid} is not one the SmartCard-HSM supports`, {
        hint: `supported: ${CURVES.map((c) => c.name).join(', ')}`,
      });
    return curve;
  }
  // explicit SpecifiedECDomain { version, fieldID { prime-field, p }, … }: identify the curve by p, as the card does
  const fieldId = derSequence(derSequence(params, 'EC parameters', 2)[1], 'fieldID', 2);
  const curve = curveByPrime(derUnsigned(fieldId[1], 'field prime'));
  if (curve === undefined) throw new FileFormatError(FORMAT, 'EC key on an unknown curve (explicit parameters)');
  return curve;
}

function ecFrom(der: Uint8Array, algorithmParams: DerNode | undefined): PrivateKeyMaterial {
  const f = derSequence(readDer(der), 'ECPrivateKey', 2);
  const dRaw = derOctets(f[1], 'EC private value');
  const inner = f.slice(2).find((n) => n.cls === 2 && n.tag === 0);
  const curve = curveOf(algorithmParams ?? (inner === undefined ? undefined : derExplicit(inner, 0, 'EC parameters')));
  const d = fixed(dRaw, curve.fieldBytes);
  const ecdh = createECDH(curve.name);
  ecdh.setPrivateKey(d);
  const q = new Uint8Array(ecdh.getPublicKey());
  const given = f.slice(2).find((n) => n.cls === 2 && n.tag === 1);
  if (given !== undefined && Buffer.compare(derExplicit(given, 1, 'EC public key').value.subarray(1), q) !== 0)
    throw new FileFormatError(FORMAT, 'the EC public key in the file does not belong to its private value', {
      hint: 'the file is damaged',
    });
  const key: KeyBlobKey = {
    kind: 'ec',
    a: fixed(curve.a, curve.fieldBytes),
    b: fixed(curve.b, curve.fieldBytes),
    p: curve.p.slice(),
    order: curve.n.slice(),
    generator: curve.g.slice(),
    d,
    publicPoint: q,
  };
  return { kind: 'ec', key, bits: curve.bits, curve, publicKey: ecPublicKey(curve, q) };
}

/** Read an unencrypted PKCS#8 PrivateKeyInfo (RSA or EC). */
export function keyFromPkcs8(pkcs8: Uint8Array): PrivateKeyMaterial {
  try {
    const [version, alg, privateKey] = derSequence(readDer(pkcs8), 'PrivateKeyInfo', 3);
    if (derSmallInt(version, 'PrivateKeyInfo version') > 1) throw new DerError('PrivateKeyInfo version is not 0 or 1');
    const [oidNode, params] = derSequence(alg, 'private key algorithm', 1);
    const oid = derOid(oidNode, 'key algorithm');
    const body = derOctets(privateKey, 'private key');
    if (oid === OID_RSA || oid === OID_RSA_PSS) return rsaFrom(body);
    if (oid === OID_EC) return ecFrom(body, params);
    throw new FileFormatError(FORMAT, `key algorithm ${oid} is not RSA or EC`, { hint: 'the SmartCard-HSM holds RSA, EC and AES keys' });
  } catch (err) {
    if (err instanceof DerError) throw new FileFormatError(FORMAT, err.message.replace(/^ASN\.1: /, ''), { cause: err });
    throw err;
  }
}

/** Overwrite every component of a blob key with zeros. */
export function wipeKeyBlobKey(key: KeyBlobKey): void {
  for (const v of Object.values(key)) if (v instanceof Uint8Array) v.fill(0);
}
