import { ALGO, CLA, INS } from '../constants.ts';
import { MalformedResponseError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/** RSA decryption mechanisms (§3.14): 21 raw (every card); 22 PKCS#1 v1.5 and 23 OAEP-SHA256 are pico-only. */
export type DecipherMechanism = 'rsa-raw' | 'rsa-pkcs1-v1.5' | 'rsa-oaep-sha256';

const ALGO_OF: Readonly<Record<DecipherMechanism, number>> = {
  'rsa-raw': ALGO.RSA_DECRYPT_RAW,
  'rsa-pkcs1-v1.5': ALGO.RSA_DECRYPT_PKCS1_V15,
  'rsa-oaep-sha256': ALGO.RSA_DECRYPT_OAEP_SHA256,
};

async function decipherCommand(card: CardSession, keyRef: number, algo: number, data: Uint8Array, what: string): Promise<Uint8Array> {
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.DECIPHER, p1: keyRef, p2: algo, data, ne: 512, form: 'extended' } as const;
  return (await card.send(cmd, { operation: `${what} with key ${keyRef}`, keyRef })).data;
}

/**
 * DECIPHER `80 62 <keyRef> <21|22|23> 00 Lc(2) <cryptogram> 02 00` (case 4E, Le 0200, §3.14). With
 * `rsa-raw` the answer is the whole modulus-length block; remove the padding with `removePkcs1Padding`.
 */
export async function decipher(
  card: CardSession,
  keyRef: number,
  cryptogram: Uint8Array,
  mechanism: DecipherMechanism = 'rsa-raw',
): Promise<Uint8Array> {
  return decipherCommand(card, keyRef, ALGO_OF[mechanism], cryptogram, 'DECIPHER');
}

/**
 * ECDH `80 62 <keyRef> 80 00 Lc(2) <04‖x‖y of the peer> 02 00` (§3.14). The card answers `04 ‖ secret`;
 * the leading 04 is removed as OpenSC does, and the rest returned (the shared x-coordinate on pico).
 */
export async function ecdh(card: CardSession, keyRef: number, peerPoint: Uint8Array): Promise<Uint8Array> {
  const out = await decipherCommand(card, keyRef, ALGO.ECDH, peerPoint, 'ECDH');
  if (out[0] !== 0x04) throw new MalformedResponseError('ECDH', 'the answer does not start with 04');
  return out.slice(1);
}

/** Remove PKCS#1 v1.5 type-2 padding `00 02 PS(≥8, non-zero) 00 M` from a raw RSA decryption (host side, like OpenSC). */
export function removePkcs1Padding(block: Uint8Array): Uint8Array {
  const sep = block.indexOf(0, 2);
  if (block[0] !== 0x00 || block[1] !== 0x02 || sep < 10)
    throw new MalformedResponseError('DECIPHER', 'the decrypted block has no valid PKCS#1 v1.5 padding (wrong key or not v1.5)');
  return block.slice(sep + 1);
}
