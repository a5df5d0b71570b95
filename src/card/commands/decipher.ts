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

/** Field length of the curve a peer point is on: `04‖x‖y` (odd length) or a bare `x‖y`. */
function fieldBytesOf(peerPoint: Uint8Array): number {
  return peerPoint.length % 2 === 1 ? (peerPoint.length - 1) / 2 : peerPoint.length / 2;
}

/**
 * ECDH `80 62 <keyRef> 80 00 Lc(2) <04‖x‖y of the peer> 02 00` (§3.14). Returns the shared secret:
 * the x-coordinate of d·P, field length — what PKCS#11 ECDH1-DERIVE and OpenSSL derive. The answer
 * is read liberally: a CardContact card sends `04‖X‖Y` (OpenSC's "point result … with a leading 04",
 * of which it copies X), the independent Pico HSM implementation sends `04‖X` only.
 * Anything else is MalformedResponseError.
 */
export async function ecdh(card: CardSession, keyRef: number, peerPoint: Uint8Array): Promise<Uint8Array> {
  const out = await decipherCommand(card, keyRef, ALGO.ECDH, peerPoint, 'ECDH');
  const f = fieldBytesOf(peerPoint);
  if (out[0] !== 0x04 || (out.length !== 1 + f && out.length !== 1 + 2 * f))
    throw new MalformedResponseError('ECDH', `expected 04‖X (${1 + f} bytes) or 04‖X‖Y (${1 + 2 * f} bytes), got ${out.length} bytes`);
  return out.slice(1, 1 + f);
}

/** Remove PKCS#1 v1.5 type-2 padding `00 02 PS(≥8, non-zero) 00 M` from a raw RSA decryption (host side, like OpenSC). */
export function removePkcs1Padding(block: Uint8Array): Uint8Array {
  const sep = block.indexOf(0, 2);
  if (block[0] !== 0x00 || block[1] !== 0x02 || sep < 10)
    throw new MalformedResponseError('DECIPHER', 'the decrypted block has no valid PKCS#1 v1.5 padding (wrong key or not v1.5)');
  return block.slice(sep + 1);
}
