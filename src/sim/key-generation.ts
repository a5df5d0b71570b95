import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import type { GakpRequest, KeySpec } from './gakp-request.ts';
import { ecPublicKeyTemplate, rsaPublicKeyTemplate } from './cvc.ts';
import { ecPublicPoint } from './device-identity.ts';
import type { KeyRecord } from './types.ts';

/** A freshly generated key: the record the card stores and the 7F49 template of its public key. */
export interface GeneratedKey {
  readonly privateKey: KeyObject;
  readonly record: KeyRecord;
  readonly publicTemplate: Uint8Array;
}

function bitLength(bytes: Uint8Array): number {
  const i = bytes.findIndex((b) => b !== 0);
  if (i < 0) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0));
}

function b64url(s: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(s ?? '', 'base64url'));
}

async function newKey(spec: KeySpec): Promise<KeyObject> {
  // generateKeyPair is read here, not promisified when this module loads: the CLI bundle loads
  // node:crypto only when it is used (scripts/build.mjs, LAZY_BUILTINS)
  return new Promise<KeyObject>((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, priv: KeyObject): void => (err === null ? resolve(priv) : reject(err));
    if (spec.kind === 'rsa') generateKeyPair('rsa', { modulusLength: spec.bits, publicExponent: spec.exponent }, done);
    else generateKeyPair('ec', { namedCurve: spec.curve.name }, done);
  });
}

/**
 * Generate the key a GAKP request asks for (node:crypto, off the event loop) and describe it:
 * RSA → 7F49 { 06 OID, 81 n, 82 e }; EC → 7F49 { 06 OID, 81..85 domain parameters, 86 Q, 87 h }
 * (the real card returns the full domain parameters; OpenSC recovers the curve from p and a, §10).
 * KeyRecord.bits: RSA modulus bits, EC field bits (521 for P-521). Tags 90/91/92 → record.
 */
export async function generateKeyFor(req: GakpRequest): Promise<GeneratedKey> {
  const privateKey = await newKey(req.key);
  const material = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const extra = {
    ...(req.algorithms === undefined ? {} : { algorithms: req.algorithms }),
    ...(req.useCounter === undefined ? {} : { useCounter: req.useCounter }),
    ...(req.domain === undefined ? {} : { domain: req.domain }),
  };
  if (req.key.kind === 'rsa') {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    const n = b64url(jwk.n);
    return {
      privateKey,
      record: { kind: 'rsa', material, bits: bitLength(n), ...extra },
      publicTemplate: rsaPublicKeyTemplate(req.oid, n, b64url(jwk.e)),
    };
  }
  const curve = req.key.curve;
  const point = ecPublicPoint(privateKey, curve);
  return {
    privateKey,
    record: { kind: 'ec', material, bits: bitLength(curve.p), curve: curve.name, ...extra },
    publicTemplate: ecPublicKeyTemplate(req.oid, curve, point),
  };
}

/** The KeyObject of a stored key (for the outer signature with a key other than the device key). */
export function keyObjectOf(record: KeyRecord): KeyObject {
  return createPrivateKey({ key: Buffer.from(record.material), format: 'der', type: 'pkcs8' });
}
