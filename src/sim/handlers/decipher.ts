import { constants, privateDecrypt } from 'node:crypto';
import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import type { InsHandler, KeyRecord } from '../types.ts';
import { toBigInt } from '../crypto/bigint.ts';
import { decodePoint, multiplyPoint } from '../crypto/ec-math.ts';
import { ecPrivate, keyForUse, privateKeyObject, requireUserPin, spendUse } from '../crypto/key-access.ts';
import { emePkcs1v15Decode } from '../crypto/rsa-padding.ts';
import { modulusBytes, rsaPrivateRaw } from '../crypto/rsa-raw.ts';
import { concat } from '../../apdu/hex.ts';

/**
 * DECIPHER — `80 62 KeyId Algo Lc data Le` (§3.14):
 * - `21` RSA raw: data = modulus-length cryptogram, answer = the full modulus-length block.
 * - `22` RSA PKCS#1 v1.5 and `23` RSA OAEP (SHA-256, MGF1-SHA-256, empty label): answer = the message.
 *   §4 attests these two ids from pico only; they are kept because the issue asks for
 *   "DECIPHER (RSA raw/PKCS#1/OAEP)". A padding error answers 6A80.
 * - `80` ECDH: data = the peer point `04‖x‖y` (a bare `x‖y`, as the vendor's scsh comment has it, is
 *   accepted too). Answer = the shared point d·P uncompressed, `04‖X‖Y` — OpenSC's driver calls the
 *   answer "the point result in uncompressed form with a leading 04" and copies the field-length bytes
 *   after the 04, i.e. X, so PKCS#11 ECDH1-DERIVE yields the standard x-coordinate secret. (§13: pico
 *   answers `04‖X` only; the X‖Y choice follows OpenSC's description of the real card.) A point not on
 *   the curve answers 6A80.
 */

export const DECIPHER_ALGORITHM = {
  RSA_RAW: 0x21,
  RSA_PKCS1: 0x22,
  RSA_OAEP_SHA256: 0x23,
  ECDH: 0x80,
} as const;

function decryptRsa(key: KeyRecord, algorithm: number, data: Uint8Array): Uint8Array {
  const ko = privateKeyObject(key);
  const k = modulusBytes(ko);
  if (data.length !== k) throw new CardStatus(SW.WRONG_LENGTH, `cryptogram must be ${k} bytes`);
  if (algorithm === DECIPHER_ALGORITHM.RSA_OAEP_SHA256) {
    try {
      return new Uint8Array(privateDecrypt({ key: ko, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data));
    } catch {
      throw new CardStatus(SW.INCORRECT_DATA, 'OAEP decoding failed');
    }
  }
  const block = rsaPrivateRaw(ko, data);
  if (block === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'cryptogram is not below the modulus');
  if (algorithm === DECIPHER_ALGORITHM.RSA_RAW) return block;
  const message = emePkcs1v15Decode(block);
  if (message === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'PKCS#1 v1.5 padding is invalid');
  return message;
}

function ecdh(key: KeyRecord, data: Uint8Array): Uint8Array {
  const { curve, d } = ecPrivate(key);
  const point = data.length === 2 * curve.fieldBytes ? concat(Uint8Array.of(0x04), data) : data;
  if (point.length !== 1 + 2 * curve.fieldBytes) throw new CardStatus(SW.WRONG_LENGTH, 'peer point has the wrong length for the curve');
  const peer = decodePoint(curve, point);
  if (peer === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'peer point is not on the curve');
  const shared = multiplyPoint(curve, toBigInt(d), peer);
  if (shared === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'shared point is the point at infinity');
  return shared;
}

export const decipher: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  if (!(Object.values(DECIPHER_ALGORITHM) as number[]).includes(cmd.p2)) {
    throw new CardStatus(SW.INCORRECT_P1P2, `unknown decipher algorithm ${cmd.p2.toString(16)}`);
  }
  const isEcdh = cmd.p2 === DECIPHER_ALGORITHM.ECDH;
  const key = keyForUse(ctx, cmd.p1, cmd.p2, isEcdh ? ['ec'] : ['rsa']);
  const data = isEcdh ? ecdh(key, cmd.data) : decryptRsa(key, cmd.p2, cmd.data);
  spendUse(key);
  return { data, sw: SW.OK };
};
