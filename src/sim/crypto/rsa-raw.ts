import { constants, privateDecrypt, type KeyObject } from 'node:crypto';

/**
 * The raw RSA private-key operation m^d mod n (RSADP/RSASP1, RFC 8017 §5.1.2/§5.2.1) through OpenSSL
 * with RSA_NO_PADDING. Input must be exactly modulus-length bytes and numerically below n.
 */

/** Modulus length in bytes. */
export function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) throw new RangeError('not an RSA key');
  return Math.ceil(bits / 8);
}

/** Modulus length in bits. */
export function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) throw new RangeError('not an RSA key');
  return bits;
}

/** m^d mod n; undefined when the input is not below n (OpenSSL refuses it). */
export function rsaPrivateRaw(key: KeyObject, input: Uint8Array): Uint8Array | undefined {
  if (input.length !== modulusBytes(key)) throw new RangeError(`raw RSA input must be ${modulusBytes(key)} bytes`);
  try {
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, input));
  } catch {
    return undefined;
  }
}
