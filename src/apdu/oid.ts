import { OidError } from './errors.ts';

/** Object identifiers (X.690 §8.19): dotted text ↔ DER content bytes, and names for the ones schsm meets. */

/**
 * Dotted notation of an OID's content bytes (with its name when known), or undefined if they are
 * malformed: empty, ending inside an arc, or an arc starting with the padding byte 80 (X.690 §8.19.2).
 */
export function formatOid(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const arcs: bigint[] = [];
  let v = 0n;
  let start = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (start && b === 0x80) return undefined;
    v = (v << 7n) | BigInt(b & 0x7f);
    start = (b & 0x80) === 0;
    if (start) {
      arcs.push(v);
      v = 0n;
    } else if (i === bytes.length - 1) return undefined;
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  const dotted = [...head, ...arcs].join('.');
  const name = OID_NAMES[dotted];
  return name === undefined ? dotted : `${dotted} (${name})`;
}

/**
 * DER content bytes of a dotted OID: at least two decimal arcs, the first 0, 1 or 2, the second < 40
 * unless the first is 2 (X.690 §8.19.4). Anything else is an OidError.
 */
export function encodeOid(dotted: string): Uint8Array {
  if (!/^\d+(\.\d+)+$/.test(dotted))
    throw new OidError(`not a dotted OID: ${JSON.stringify(dotted)} (expected e.g. "1.2.840.10045.3.1.7")`);
  const [a = 0n, b = 0n, ...rest] = dotted.split('.').map((s) => BigInt(s));
  if (a > 2n || (a < 2n && b >= 40n))
    throw new OidError(`OID ${dotted} is invalid: the first arc must be 0, 1 or 2, and the second < 40 unless the first is 2`);
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] ?? 0) | 0x80;
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

export const OID_NAMES: Readonly<Record<string, string>> = {
  '0.4.0.127.0.7.2.2.2.1.2': 'id-TA-RSA-v1-5-SHA-256',
  '0.4.0.127.0.7.2.2.2.2.3': 'id-TA-ECDSA-SHA-256',
  '2.16.840.1.101.3.4.1': 'aes',
  '1.2.840.10045.2.1': 'ecPublicKey',
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
  '1.3.132.0.10': 'secp256k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.3.6.1.4.1.24991.3.1.1': 'SmartCard-HSM CHAT role',
  '1.3.6.1.4.1.24991.4.3.1': 'SmartCard-HSM PKA file',
};
