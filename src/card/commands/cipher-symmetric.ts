import { ALGO, CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

/** CIPHER SYMMETRIC `80 78 <keyRef> <algo> Lc <data> Le` (§3.15): the raw card operation. */
export async function cipherSymmetric(
  card: CardSession,
  keyRef: number,
  algorithm: number,
  data: Uint8Array,
  ne: number,
): Promise<Uint8Array> {
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.CIPHER_SYMMETRIC, p1: keyRef, p2: algorithm, data, ne };
  const res = await card.send(cmd, {
    operation: `CIPHER SYMMETRIC with key ${keyRef} (algorithm ${algorithm.toString(16).toUpperCase()})`,
    keyRef,
  });
  return res.data;
}

function blocks(data: Uint8Array, what: string): void {
  if (data.length === 0 || data.length % 16 !== 0)
    throw new InvalidArgumentError(`${what} must be a non-empty multiple of 16 bytes, got ${data.length} (pad on the host)`);
}

function xorInto(target: Uint8Array, iv: Uint8Array | undefined): Uint8Array {
  if (iv === undefined) return target;
  if (iv.length !== 16) throw new InvalidArgumentError(`the IV must be 16 bytes, got ${iv.length}`);
  const out = target.slice();
  for (let i = 0; i < 16; i++) out[i] = (out[i] ?? 0) ^ (iv[i] ?? 0);
  return out;
}

/** AES-CBC encrypt (algorithm 10). The card uses a zero IV, so the IV is XOR-ed into the first block here (§12.1 step 7). */
export async function aesCbcEncrypt(card: CardSession, keyRef: number, plaintext: Uint8Array, iv?: Uint8Array): Promise<Uint8Array> {
  blocks(plaintext, 'AES-CBC plaintext');
  return cipherSymmetric(card, keyRef, ALGO.AES_CBC_ENCRYPT, xorInto(plaintext, iv), plaintext.length);
}

/** AES-CBC decrypt (algorithm 11); the IV is XOR-ed into the first output block here. */
export async function aesCbcDecrypt(card: CardSession, keyRef: number, ciphertext: Uint8Array, iv?: Uint8Array): Promise<Uint8Array> {
  blocks(ciphertext, 'AES-CBC ciphertext');
  return xorInto(await cipherSymmetric(card, keyRef, ALGO.AES_CBC_DECRYPT, ciphertext, ciphertext.length), iv);
}

/** AES-CMAC (algorithm 18) → 16 bytes. */
export async function aesCmac(card: CardSession, keyRef: number, data: Uint8Array): Promise<Uint8Array> {
  return cipherSymmetric(card, keyRef, ALGO.AES_CMAC, data, 16);
}

/** AES key derivation (algorithm 99): CardContact's SP 800-56C derive, 32 bytes; pico: HKDF (§3.15, unconfirmed). */
export async function aesDerive(card: CardSession, keyRef: number, data: Uint8Array): Promise<Uint8Array> {
  return cipherSymmetric(card, keyRef, ALGO.AES_DERIVE, data, 256);
}
