/**
 * A PKCS#15 certificate description (CD entry, C8xx) for a CA certificate in CAxx, encoded as OpenSC's
 * `sc_pkcs15_encode_cdf_entry` writes it for the SmartCard-HSM (OpenSC pkcs15init/pkcs15-sc-hsm.c
 * `sc_hsm_emu_update_cd`), so that `pkcs15-tool -D` and `pkcs11-tool -O` show schsm's CA certificates
 * like their own:
 *
 *   30 { 30 { 0C label, 03 02 06 40 }        CommonObjectAttributes (modifiable, public: no authId)
 *        30 { 04 iD }                         CommonCertificateAttributes
 *        A1 { 30 { 30 { 04 02 CAxx } } } }    typeAttributes: X509CertificateAttributes { value: path }
 *
 * the bytes `pkcs11-tool --write-object ca.der --type cert --id 99 --label "Probe CA"` wrote into C800
 * (test/card/certificates.test.ts). End-entity certificates (CExx, next to key xx) get no CD: OpenSC
 * takes their label and ID from the key's PRKD (§5.1).
 */
import { encodeTlv } from '../apdu/tlv.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { encodeBits } from './pkcs15-encode.ts';
import { OBJECT_FLAG_BITS } from './pkcs15.ts';

export interface CertificateDescriptionInput {
  readonly label: string;
  /** CKA_ID / PKCS#15 iD. */
  readonly id: Uint8Array;
  /** FID of the certificate (CAxx). */
  readonly path: number;
}

/** OpenSC reads a CD into a 512-byte buffer, as a DCOD (pkcs15-sc-hsm.c `sc_pkcs15emu_sc_hsm_add_cd`). */
export const MAX_CD = 512;

/** DER of a PKCS#15 certificate description (x509Certificate CHOICE) as OpenSC writes it into C8xx for a CA certificate in CAxx. */
export function encodeCd(d: CertificateDescriptionInput): Uint8Array {
  if (d.id.length === 0 || d.id.length > 255) throw new InvalidArgumentError('a certificate ID must be 1..255 bytes');
  const common = [encodeTlv(0x0c, new TextEncoder().encode(d.label)), encodeTlv(0x03, encodeBits(['modifiable'], OBJECT_FLAG_BITS))];
  const path = encodeTlv(0xa1, encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0x04, Uint8Array.of(d.path >> 8, d.path & 0xff)))));
  const out = encodeTlv(0x30, [encodeTlv(0x30, common), encodeTlv(0x30, encodeTlv(0x04, d.id)), path]);
  if (out.length > MAX_CD)
    throw new InvalidArgumentError(`the description is ${out.length} bytes; OpenSC reads at most ${MAX_CD}`, 'shorten the label');
  return out;
}
