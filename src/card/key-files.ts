/**
 * EFs that make up or describe a key. Writing or deleting one by hand breaks the key for the tools that
 * use it: a PRKD (C4xx) overwritten with other bytes makes `keys wrap` fail on that key and hides it
 * from OpenSC; a certificate or CV request (CExx) no longer matches its key; EF 2F02 holds the device
 * certificates that prove the card genuine. So every hand-made change (create, write, delete) of these
 * files is refused unless the caller says it means it (`--allow-key-file` in the explorer, `{ allowKeyFile:
 * true }` in the library; never `--force`, which only ever overwrites local files), exactly as deleting a key (CCxx) is. The key commands (generate, unwrap, delete) write
 * these files as a unit and pass the override themselves.
 */
import { RefusedError } from '../transport/errors.ts';
import { FID, FID_PREFIX } from './constants.ts';

const hex4 = (fid: number): string => fid.toString(16).toUpperCase().padStart(4, '0');

/** What a key-related EF is ("the description (PRKD) of key 1"), or undefined for an ordinary EF. */
export function keyFileRole(fid: number): string | undefined {
  const id = fid & 0xff;
  if (fid === FID.C_DEV_AUT) return 'the device certificates (C_DevAut: device CVC and issuer CVC)';
  switch (fid >> 8) {
    case FID_PREFIX.KEY:
      return id === 0 ? 'the device authentication key PrK.DevAut' : `key ${id}`;
    case FID_PREFIX.PRKD:
      return `the description (PRKD) of key ${id}`;
    case FID_PREFIX.EE_CERTIFICATE:
      return `the certificate or CV request of key ${id}`;
    case FID_PREFIX.KEY_META:
      return `the metadata of key ${id}`;
    case FID_PREFIX.CA_CERTIFICATE:
      return `CA certificate ${id}`;
    case FID_PREFIX.CD:
      return `the description of CA certificate CA${hex4(fid).slice(2)}`;
    default:
      return undefined;
  }
}

export type KeyFileChange = 'create' | 'write' | 'replace' | 'delete';

/**
 * Throw RefusedError (exit 4) when `change` would touch a key-related EF and `allowed` is not set. `flag`
 * names the override in the hint (default `--allow-key-file`).
 */
export function guardKeyFileChange(fid: number, change: KeyFileChange, allowed: boolean, flag = '--allow-key-file'): void {
  const role = keyFileRole(fid);
  if (role === undefined || allowed) return;
  const what = { create: 'creating', write: 'writing into', replace: 'overwriting', delete: 'deleting' }[change];
  throw new RefusedError(
    `${hex4(fid)} is ${role}: ${what} it by hand can break the key for schsm and OpenSC (keys wrap, pkcs15-tool)`,
    `add ${flag} if you mean it; \`keys generate\`, \`keys unwrap\` and \`keys delete\` manage a key's files together`,
  );
}
