/**
 * EF 2F03 = PKCS#15 TokenInfo with the token label, as OpenSC writes it after INITIALIZE when a label
 * is given (`sc_hsm_initialize`: label + flag prnGeneration, `sc_pkcs15_encode_tokeninfo`, §3.9, §5):
 *
 *   30 L { 02 01 00            version v1
 *          80 L <label UTF-8>  label [0]
 *          03 02 05 20 }       tokenflags BIT STRING { readonly(0), loginRequired(1), prnGeneration(2) }:
 *                              only bit 2 set → one byte 0x20 with 5 unused bits
 *
 * OpenSC (pkcs15-sc-hsm.c) and sc-hsm-embedded (decodeLabel: tag 80) read the label from there.
 */
import { concat } from '../apdu/hex.ts';
import { decodeTlv, decodeTlvs, encodeTlv } from '../apdu/tlv.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { Pkcs15Error } from './host-errors.ts';

/** Longest label accepted (PKCS#11 CK_TOKEN_INFO.label has 32 bytes). */
export const TOKEN_LABEL_MAX = 32;

/** Encode TokenInfo for EF 2F03 with `label`. */
export function encodeTokenInfo(label: string): Uint8Array {
  const bytes = new TextEncoder().encode(label);
  if (bytes.length === 0 || bytes.length > TOKEN_LABEL_MAX)
    throw new InvalidArgumentError(`the token label must be 1..${TOKEN_LABEL_MAX} bytes, got ${bytes.length}`);
  return encodeTlv(0x30, concat(encodeTlv(0x02, Uint8Array.of(0)), encodeTlv(0x80, bytes), encodeTlv(0x03, Uint8Array.of(0x05, 0x20))));
}

/** The label [0] of a TokenInfo, or undefined when it has none. */
export function decodeTokenLabel(tokenInfo: Uint8Array): string | undefined {
  try {
    const top = decodeTlv(tokenInfo);
    if (top.tag !== 0x30) throw new Pkcs15Error('TokenInfo is not a SEQUENCE');
    const label = decodeTlvs(top.value).find((t) => t.tag === 0x80);
    return label === undefined ? undefined : new TextDecoder().decode(label.value);
  } catch (err) {
    if (err instanceof Pkcs15Error) throw err;
    throw new Pkcs15Error('TokenInfo (EF 2F03) is not well-formed', err);
  }
}
