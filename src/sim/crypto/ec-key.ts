import { createPrivateKey } from 'node:crypto';
import { childrenOf, decodeTlv, encodeTlv } from '../../apdu/tlv.ts';
import { concat } from '../../apdu/hex.ts';
import { type Curve, curveByOid } from './curves.ts';
import { fromBigInt, toBigInt } from './bigint.ts';
import { publicPoint } from './ec-math.ts';

/**
 * EC private keys as the simulator stores them (PKCS#8 DER, `KeyRecord.material`) ↔ the numbers the
 * card works with. Parsed by hand because node's JWK export does not cover the brainpool curves.
 */
export interface EcPrivate {
  readonly curve: Curve;
  /** Private scalar, left-padded to the byte length of the order n. */
  readonly d: Uint8Array;
  /** Public point `04‖x‖y`. */
  readonly q: Uint8Array;
}

const ID_EC_PUBLIC_KEY = '2a8648ce3d0201';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Decode PKCS#8 `PrivateKeyInfo` holding a named-curve `ECPrivateKey` (RFC 5915). */
export function decodeEcPkcs8(der: Uint8Array): EcPrivate {
  const [version, algorithm, privateKey] = childrenOf(decodeTlv(der));
  if (version?.tag !== 0x02 || algorithm?.tag !== 0x30 || privateKey?.tag !== 0x04) throw new RangeError('not a PKCS#8 PrivateKeyInfo');
  const [algOid, curveOid] = childrenOf(algorithm);
  if (algOid === undefined || hex(algOid.value) !== ID_EC_PUBLIC_KEY) throw new RangeError('not an EC key');
  if (curveOid?.tag !== 0x06) throw new RangeError('EC key without a named curve');
  const curve = curveByOid(curveOid.value);
  if (curve === undefined) throw new RangeError(`unsupported curve OID ${hex(curveOid.value)}`);
  const fields = childrenOf(decodeTlv(privateKey.value));
  const dField = fields.find((t) => t.tag === 0x04);
  if (dField === undefined) throw new RangeError('ECPrivateKey without privateKey');
  const d = fromBigInt(toBigInt(dField.value), curve.n.length);
  return { curve, d, q: publicPoint(curve, d) };
}

/** Encode (curve, d) as PKCS#8 DER; the public point is recomputed from d. */
export function encodeEcPkcs8(curve: Curve, d: Uint8Array): Uint8Array {
  const dd = fromBigInt(toBigInt(d), curve.n.length);
  const sec1 = encodeTlv(0x30, [
    Uint8Array.of(0x02, 0x01, 0x01),
    encodeTlv(0x04, dd),
    encodeTlv(0xa0, encodeTlv(0x06, curve.oid)),
    encodeTlv(0xa1, encodeTlv(0x03, concat(Uint8Array.of(0), publicPoint(curve, dd)))),
  ]);
  const key = createPrivateKey({ key: Buffer.from(sec1), format: 'der', type: 'sec1' });
  return new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
}
