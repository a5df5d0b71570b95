/** Names of SmartCard-HSM algorithm ids (§4), for describing a key blob's allowed-algorithm list. */
import { ALGORITHM_NAMES } from '../../apdu/algorithms.ts';
import { hex2 } from '../../apdu/hex.ts';

export { ALGORITHM_NAMES } from '../../apdu/algorithms.ts';

/**
 * "73 ECDSA SHA-256", "70 ECDSA (hash input)": each id in the list with its §4 name, the hash written
 * without the "+" and the input kind in brackets, as key descriptions have always shown them.
 */
export function algorithmNames(ids: Uint8Array): string[] {
  return Array.from(ids, (id) => `${hex2(id)} ${blobName(ALGORITHM_NAMES[id])}`);
}

function blobName(name: string | undefined): string {
  return name === undefined ? 'unknown' : name.replace(' + ', ' ').replace(/, (.+ input)$/, ' ($1)');
}
