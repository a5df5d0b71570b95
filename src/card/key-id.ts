import { toHex } from '../apdu/hex.ts';

/**
 * The one written form of a key ID (PKCS#15 CommonKeyAttributes.iD, §5.3) in every output: lowercase
 * hex without separators, as `pkcs15-tool -D` and `pkcs11-tool -O` print it (issue 11 item 7). KCVs,
 * FIDs and APDU bytes stay upper case.
 */
export function formatKeyId(id: Uint8Array): string {
  return toHex(id).toLowerCase();
}
