/**
 * Names of the BER-TLV tags the SmartCard-HSM and its hosts use, by context (parent tag), so that
 * `80` inside an FCP reads "file size" and `81` inside a public key reads "modulus / prime".
 * Sources: ISO/IEC 7816-4 §7.4 (FCP), BSI TR-03110 (CVC), X.690 (universal tags), docs/protocol.md §2.4, §3.9, §10.
 */
type Names = Readonly<Record<number, string>>;

const UNIVERSAL: Names = {
  0x01: 'BOOLEAN',
  0x02: 'INTEGER',
  0x03: 'BIT STRING',
  0x04: 'OCTET STRING',
  0x05: 'NULL',
  0x06: 'OBJECT IDENTIFIER',
  0x0c: 'UTF8String',
  0x13: 'PrintableString',
  0x16: 'IA5String',
  0x17: 'UTCTime',
  0x18: 'GeneralizedTime',
  0x30: 'SEQUENCE',
  0x31: 'SET',
};

const GLOBAL: Names = {
  ...UNIVERSAL,
  0x62: 'FCP template',
  0x6f: 'FCI template',
  0x67: 'authenticated CV request',
  0x7f21: 'CV certificate',
  0x7f4e: 'certificate body',
  0x5f29: 'certificate profile identifier',
  0x42: 'certification authority reference (CAR)',
  0x7f49: 'public key',
  0x5f20: 'certificate holder reference (CHR)',
  0x7f4c: 'certificate holder authorisation template (CHAT)',
  0x5f25: 'effective date',
  0x5f24: 'expiration date',
  0x65: 'certificate extensions',
  0x5f37: 'signature',
  0x53: 'discretionary data',
  0x54: 'offset',
};

const FCP: Names = {
  0x80: 'file size',
  0x81: 'file size (total)',
  0x82: 'file descriptor',
  0x83: 'file identifier',
  0x84: 'DF name (AID)',
  0x85: 'proprietary (SmartCard-HSM options, type, version)',
  0x8a: 'life cycle status',
  0xa5: 'proprietary information',
};

const PUBLIC_KEY: Names = {
  0x06: 'algorithm OID',
  0x81: 'modulus n / prime p',
  0x82: 'public exponent e / coefficient a',
  0x83: 'coefficient b',
  0x84: 'base point G',
  0x85: 'order n',
  0x86: 'public point Q',
  0x87: 'cofactor',
};

const BY_PARENT: ReadonlyMap<number, Names> = new Map([
  [0x62, FCP],
  [0x6f, FCP],
  [0x7f49, PUBLIC_KEY],
]);

/** Context-sensitive tag name, or undefined. */
export function tagName(tag: number, parent?: number): string | undefined {
  if (parent !== undefined) {
    const scoped = BY_PARENT.get(parent)?.[tag];
    if (scoped !== undefined) return scoped;
  }
  return GLOBAL[tag];
}

/** Tags whose value is text (ASCII) in the SmartCard-HSM's structures. */
export const TEXT_TAGS: ReadonlySet<number> = new Set([0x0c, 0x13, 0x16, 0x42, 0x5f20, 0x84]);
