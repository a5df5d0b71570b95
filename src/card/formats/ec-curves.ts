/**
 * Named prime curves a SmartCard-HSM key can be on, identified by the field prime p (the key blob
 * carries the curve as explicit parameters, §9.1; pico identifies the curve from p the same way).
 * p values and OIDs are the SEC 2 / RFC 5639 parameters (as printed by `openssl ecparam -param_enc explicit`).
 */

export interface NamedCurve {
  /** OpenSSL / node:crypto name. */
  readonly name: string;
  /** Dotted OID of the named curve. */
  readonly oid: string;
  /** Field size in bits. */
  readonly bits: number;
  /** Field prime, big-endian hex. */
  readonly p: string;
}

export const NAMED_CURVES: readonly NamedCurve[] = [
  { name: 'prime192v1', oid: '1.2.840.10045.3.1.1', bits: 192, p: 'fffffffffffffffffffffffffffffffeffffffffffffffff' },
  { name: 'secp224r1', oid: '1.3.132.0.33', bits: 224, p: 'ffffffffffffffffffffffffffffffff000000000000000000000001' },
  { name: 'prime256v1', oid: '1.2.840.10045.3.1.7', bits: 256, p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff' },
  {
    name: 'secp384r1',
    oid: '1.3.132.0.34',
    bits: 384,
    p: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
  },
  { name: 'secp521r1', oid: '1.3.132.0.35', bits: 521, p: `01${'ff'.repeat(65)}` },
  { name: 'secp192k1', oid: '1.3.132.0.31', bits: 192, p: 'fffffffffffffffffffffffffffffffffffffffeffffee37' },
  { name: 'secp224k1', oid: '1.3.132.0.32', bits: 224, p: 'fffffffffffffffffffffffffffffffffffffffffffffffeffffe56d' },
  { name: 'secp256k1', oid: '1.3.132.0.10', bits: 256, p: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f' },
  { name: 'brainpoolP192r1', oid: '1.3.36.3.3.2.8.1.1.3', bits: 192, p: 'c302f41d932a36cda7a3463093d18db78fce476de1a86297' },
  { name: 'brainpoolP224r1', oid: '1.3.36.3.3.2.8.1.1.5', bits: 224, p: 'd7c134aa264366862a18302575d1d787b09f075797da89f57ec8c0ff' },
  {
    name: 'brainpoolP256r1',
    oid: '1.3.36.3.3.2.8.1.1.7',
    bits: 256,
    p: 'a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377',
  },
  {
    name: 'brainpoolP320r1',
    oid: '1.3.36.3.3.2.8.1.1.9',
    bits: 320,
    p: 'd35e472036bc4fb7e13c785ed201e065f98fcfa6f6f40def4f92b9ec7893ec28fcd412b1f1b32e27',
  },
  {
    name: 'brainpoolP384r1',
    oid: '1.3.36.3.3.2.8.1.1.11',
    bits: 384,
    p: '8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53',
  },
  {
    name: 'brainpoolP512r1',
    oid: '1.3.36.3.3.2.8.1.1.13',
    bits: 512,
    p: 'aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3',
  },
];

/** Strip leading zero bytes and lower-case: the canonical form of p for lookups. */
function canonicalHex(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i)).toString('hex').replace(/^0(?=.)/, '');
}

/** The named curve with field prime `p` (big-endian, leading zeros allowed), or undefined. */
export function curveByPrime(p: Uint8Array): NamedCurve | undefined {
  const wanted = canonicalHex(p);
  return NAMED_CURVES.find((c) => c.p.replace(/^0+/, '') === wanted);
}

/** The named curve with this OpenSSL name or OID. */
export function curveByName(nameOrOid: string): NamedCurve | undefined {
  return NAMED_CURVES.find((c) => c.name === nameOrOid || c.oid === nameOrOid);
}

/** Field length in bytes (⌈bits/8⌉: 66 for secp521r1). */
export function curveFieldBytes(curve: NamedCurve): number {
  return Math.ceil(curve.bits / 8);
}
