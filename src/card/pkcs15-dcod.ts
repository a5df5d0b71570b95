/**
 * A PKCS#15 data object description (DCOD entry, C9xx) encoded as OpenSC's `sc_pkcs15_encode_dodf_entry`
 * writes it for the SmartCard-HSM (OpenSC libopensc/pkcs15-data.c), so that `pkcs15-tool -D` and
 * `pkcs11-tool -O` show schsm's data objects like their own:
 *
 *   30 { 30 { 0C label, 03 flags, [04 authId] }         CommonObjectAttributes
 *        30 { [0C applicationName], [06 applicationOID] } CommonDataObjectAttributes
 *        A1 { 30 { 04 path } } }                          typeAttributes: the content file
 *
 * flags: private + modifiable `03 02 06 C0` with authId 01 (the user PIN) for CDxx; modifiable only
 * `03 02 06 40` and no authId for CFxx — the bytes pkcs11-tool --write-object produced on the card.
 */
import { encodeOid } from '../apdu/oid.ts';
import { encodeTlv } from '../apdu/tlv.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { encodeBits } from './pkcs15-encode.ts';
import { OBJECT_FLAG_BITS } from './pkcs15.ts';

export interface DataObjectDescriptionInput {
  readonly label: string;
  readonly applicationName?: string | undefined;
  /** Dotted OID. */
  readonly applicationOid?: string | undefined;
  readonly private: boolean;
  /** FID of the content file (CDxx / CFxx). */
  readonly path: number;
}

/** OpenSC reads a DCOD into a 512-byte buffer (pkcs15-sc-hsm.c `sc_pkcs15emu_sc_hsm_add_dcod`). */
export const MAX_DCOD = 512;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The PKCS#15 data object description (DCOD) of a data object, as OpenSC writes it (at most MAX_DCOD bytes). */
export function encodeDcod(d: DataObjectDescriptionInput): Uint8Array {
  const common = [
    encodeTlv(0x0c, text(d.label)),
    encodeTlv(0x03, encodeBits(d.private ? ['private', 'modifiable'] : ['modifiable'], OBJECT_FLAG_BITS)),
    ...(d.private ? [encodeTlv(0x04, Uint8Array.of(1))] : []),
  ];
  const data = [
    ...(d.applicationName === undefined || d.applicationName === '' ? [] : [encodeTlv(0x0c, text(d.applicationName))]),
    ...(d.applicationOid === undefined ? [] : [encodeTlv(0x06, encodeOid(d.applicationOid))]),
  ];
  const path = encodeTlv(0xa1, encodeTlv(0x30, encodeTlv(0x04, Uint8Array.of(d.path >> 8, d.path & 0xff))));
  const out = encodeTlv(0x30, [encodeTlv(0x30, common), encodeTlv(0x30, data), path]);
  if (out.length > MAX_DCOD)
    throw new InvalidArgumentError(
      `the description is ${out.length} bytes; OpenSC reads at most ${MAX_DCOD}`,
      'shorten the label or application name',
    );
  return out;
}
