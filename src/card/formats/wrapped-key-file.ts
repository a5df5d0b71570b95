/**
 * The file `sc-hsm-tool --wrap-key FILE --key-reference N` writes and `--unwrap-key` reads (§9.2):
 *
 *   30 L                     SEQUENCE (BER definite length)
 *      04 L <key blob>       OCTET STRING: the WRAP KEY response (§9.1)
 *      [PRKD TLV]            content of EF C4<N> as-is (RSA 30…, EC A0…, AES A8…), if it existed
 *      [certificate TLV]     content of EF CE<N>: X.509 30… or CV request 67…, if it existed
 *
 * Elements are positional, exactly as sc-hsm-tool reads them: the 2nd element is the PRKD, the 3rd the
 * certificate. Like the tool, reading ignores bytes after the SEQUENCE and elements after the 3rd, but
 * reports them in `warnings`. Building refuses a certificate without a PRKD (the tool would store the
 * certificate as the PRKD).
 */
import { childrenOf, decodeTlvAt, encodeTlv, tlvBytes } from '../../apdu/tlv.ts';
import type { Tlv } from '../../apdu/tlv.ts';
import { FileFormatError, FormatInputError } from './errors.ts';

const FORMAT = 'wrapped key file';

export const WRAPPED_KEY_FILE_TAG = {
  SEQUENCE: 0x30,
  OCTET_STRING: 0x04,
  CV_REQUEST: 0x67, // authenticated CV request (GAKP response)
  CV_CERTIFICATE: 0x7f21,
} as const;

/** PRKD outer tags: PrivateRSAKey 30, PrivateECKey A0, secret (AES) key A8 (§5, §5.3). */
export const PRKD_TAGS = [0x30, 0xa0, 0xa8] as const;

export interface WrappedKeyFile {
  /** The key blob (§9.1). */
  readonly blob: Uint8Array;
  /** Complete PRKD TLV (EF C4<N>), if present. */
  readonly prkd: Uint8Array | undefined;
  /** Complete certificate or CV-request TLV (EF CE<N>), if present. */
  readonly certificate: Uint8Array | undefined;
}

export interface ParsedWrappedKeyFile extends WrappedKeyFile {
  /** Things sc-hsm-tool silently ignores (trailing bytes, extra elements). */
  readonly warnings: readonly string[];
}

function outerSequence(bytes: Uint8Array): { outer: Tlv; next: number } {
  if (bytes[0] !== WRAPPED_KEY_FILE_TAG.SEQUENCE) {
    throw new FileFormatError(FORMAT, `starts with ${(bytes[0] ?? 0).toString(16).padStart(2, '0')}, expected a SEQUENCE (30)`, {
      hint: 'expected a file written by sc-hsm-tool --wrap-key or schsm key wrap',
    });
  }
  try {
    const { tlv, next } = decodeTlvAt(bytes, 0);
    return { outer: tlv, next };
  } catch (err) {
    throw new FileFormatError(FORMAT, `malformed outer SEQUENCE: ${(err as Error).message}`, { cause: err });
  }
}

function elements(outer: Tlv): Tlv[] {
  try {
    return childrenOf(outer);
  } catch (err) {
    throw new FileFormatError(FORMAT, `malformed element inside the SEQUENCE: ${(err as Error).message}`, { cause: err });
  }
}

/** Parse a wrapped-key file. */
export function parseWrappedKeyFile(bytes: Uint8Array): ParsedWrappedKeyFile {
  const { outer, next } = outerSequence(bytes);
  const items = elements(outer);
  const [blob, prkd, certificate] = items;
  if (blob === undefined || blob.tag !== WRAPPED_KEY_FILE_TAG.OCTET_STRING) {
    throw new FileFormatError(FORMAT, 'the first element must be an OCTET STRING (04) holding the key blob');
  }
  const warnings: string[] = [];
  if (next < bytes.length) warnings.push(`${bytes.length - next} byte(s) after the SEQUENCE were ignored`);
  if (items.length > 3) warnings.push(`${items.length - 3} element(s) after the certificate were ignored`);
  if (prkd !== undefined && !(PRKD_TAGS as readonly number[]).includes(prkd.tag)) {
    warnings.push(
      `second element has tag ${prkd.tag.toString(16).toUpperCase()}, not a PRKD (30, A0, A8); sc-hsm-tool would store it as the PRKD`,
    );
  }
  return {
    blob: blob.value.slice(),
    prkd: prkd === undefined ? undefined : tlvBytes(outer.value, prkd).slice(),
    certificate: certificate === undefined ? undefined : tlvBytes(outer.value, certificate).slice(),
    warnings,
  };
}

/** One complete TLV with one of `tags`, nothing after it. */
function checkSingleTlv(bytes: Uint8Array, tags: readonly number[], what: string): void {
  let tlv: Tlv;
  let next: number;
  try {
    ({ tlv, next } = decodeTlvAt(bytes, 0));
  } catch (err) {
    throw new FormatInputError(`${what} is not a well-formed TLV: ${(err as Error).message}`);
  }
  if (next !== bytes.length) throw new FormatInputError(`${what} has ${bytes.length - next} byte(s) after its TLV`);
  if (!tags.includes(tlv.tag)) {
    throw new FormatInputError(
      `${what} has tag ${tlv.tag.toString(16).toUpperCase()}, expected one of ${tags.map((t) => t.toString(16).toUpperCase()).join(', ')}`,
    );
  }
}

/** Build the file sc-hsm-tool --unwrap-key reads. */
export function buildWrappedKeyFile(file: WrappedKeyFile): Uint8Array {
  const parts = [encodeTlv(WRAPPED_KEY_FILE_TAG.OCTET_STRING, file.blob)];
  if (file.prkd !== undefined) {
    checkSingleTlv(file.prkd, PRKD_TAGS, 'PRKD');
    parts.push(file.prkd);
  }
  if (file.certificate !== undefined) {
    if (file.prkd === undefined) {
      throw new FormatInputError(
        'a certificate needs a PRKD before it',
        'sc-hsm-tool reads the second element as the PRKD; include the key description (EF C4<N>)',
      );
    }
    const tags = [WRAPPED_KEY_FILE_TAG.SEQUENCE, WRAPPED_KEY_FILE_TAG.CV_REQUEST, WRAPPED_KEY_FILE_TAG.CV_CERTIFICATE];
    checkSingleTlv(file.certificate, tags, 'certificate');
    parts.push(file.certificate);
  }
  return encodeTlv(WRAPPED_KEY_FILE_TAG.SEQUENCE, parts);
}
