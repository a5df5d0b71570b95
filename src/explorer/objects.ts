/**
 * What an object of the SmartCard-HSM's flat namespace is, from its identifier (§5): the high byte
 * is the object class, the low byte the key reference or a free id.
 */
import { hex2 } from '../apdu/hex.ts';
import { FID, FID_PREFIX } from '../card/constants.ts';

const BY_PREFIX: Readonly<Record<number, string>> = {
  [FID_PREFIX.KEY]: 'key',
  [FID_PREFIX.PRKD]: 'PRKD',
  [FID_PREFIX.EE_CERTIFICATE]: 'certificate',
  [FID_PREFIX.CA_CERTIFICATE]: 'CA certificate',
  [FID_PREFIX.CD]: 'CD',
  [FID_PREFIX.DCOD]: 'DCOD',
  [FID_PREFIX.PRIVATE_DATA]: 'private data',
  [FID_PREFIX.PUBLIC_DATA]: 'public data',
  [FID_PREFIX.KEY_META]: 'key meta data',
};

const FIXED: Readonly<Record<number, string>> = {
  [FID.C_DEV_AUT]: 'device certificates',
  [FID.TOKEN_INFO]: 'token info',
  [FID.UNWRAP_STAGING]: 'unwrap staging',
  0xcc00: 'device key',
};

/** Short kind for the `ls` column: "key", "PRKD", "certificate", "device certificates", "EF". */
export function objectKind(fid: number): string {
  return FIXED[fid] ?? BY_PREFIX[fid >> 8] ?? 'EF';
}

/** What the object belongs to or holds, in words (the `ls` description column before decoding). */
export function objectRole(fid: number): string {
  const id = fid & 0xff;
  switch (fid >> 8) {
    case FID_PREFIX.KEY:
      return id === 0 ? 'PrK.DevAut, the device authentication key' : `private or secret key ${id}`;
    case FID_PREFIX.PRKD:
      return `description of key ${id}`;
    case FID_PREFIX.EE_CERTIFICATE:
      return `certificate or request of key ${id}`;
    case FID_PREFIX.CA_CERTIFICATE:
      return `CA certificate ${id}`;
    case FID_PREFIX.CD:
      return `description of CA certificate CA${hex2(id)}`;
    case FID_PREFIX.DCOD:
      return `description of data object ${hex2(id)}`;
    case FID_PREFIX.PRIVATE_DATA:
      return 'data object, readable after VERIFY';
    case FID_PREFIX.PUBLIC_DATA:
      return 'data object';
    default:
      break;
  }
  if (fid === FID.C_DEV_AUT) return 'C_DevAut: device CVC and issuer (DICA) CVC';
  if (fid === FID.TOKEN_INFO) return 'PKCS#15 TokenInfo (label)';
  if (fid === FID.UNWRAP_STAGING) return 'key blob for UNWRAP KEY';
  return '';
}

/** Keys (CCxx) are never readable (§5); the rest are EFs. */
export function isKey(fid: number): boolean {
  return fid >> 8 === FID_PREFIX.KEY;
}

/** What the first bytes of a certificate file say it holds (§5: X.509 `30`, CV request `67`/`7F21`). */
export function certificateForm(head: Uint8Array): string {
  if (head.length === 0) return 'empty';
  if (head[0] === 0x67) return 'CV request';
  if (head[0] === 0x7f && head[1] === 0x21) return 'CV certificate';
  if (head[0] === 0x30) return 'X.509 certificate';
  return 'unknown content';
}
