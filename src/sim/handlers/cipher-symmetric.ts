import { SW } from '../../apdu/status-words.ts';
import { concat } from '../../apdu/hex.ts';
import { CardStatus } from '../card-status.ts';
import type { InsHandler } from '../types.ts';
import { AES_BLOCK, aesCbcZeroIv } from '../crypto/aes.ts';
import { aesCmac } from '../crypto/cmac.ts';
import { keyForUse, requireUserPin, spendUse } from '../crypto/key-access.ts';

/**
 * CIPHER SYMMETRIC — `80 78 KeyId Algo Lc data [Le]` with an AES key (§3.15):
 * - `10` AES-CBC encrypt, `11` decrypt, IV = 16 zero bytes (the host folds its IV into the first block),
 *   data a non-empty multiple of 16 bytes, else 6A80 (CardContact's host treats 6A80 as bad data; pico
 *   answers 6700 — §3.15).
 * - `18` AES-CMAC (SP 800-38B) of the data → 16 bytes.
 * - `99` key derivation. The real construction is unconfirmed (§13: CardContact calls it "SP800-56C
 *   derive" with a 32-byte result; pico uses HKDF-SHA256). This simulator uses the SP 800-56C two-step
 *   KDF's expansion step, i.e. SP 800-108 KDF in counter mode with AES-CMAC as PRF, the stored key as
 *   key-derivation key and the command data as FixedInfo: K(i) = AES-CMAC(key, [i]₃₂ ‖ data), result
 *   K(1) ‖ K(2) = 32 bytes.
 */

export const CIPHER_ALGORITHM = {
  AES_CBC_ENCRYPT: 0x10,
  AES_CBC_DECRYPT: 0x11,
  AES_CMAC: 0x18,
  AES_DERIVE: 0x99,
} as const;

const DERIVED_LENGTH = 32;

/** The `99` derivation described above. */
export function deriveSp800108Cmac(key: Uint8Array, fixedInfo: Uint8Array, length = DERIVED_LENGTH): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (let i = 1; blocks.length * AES_BLOCK < length; i++) {
    blocks.push(aesCmac(key, concat(Uint8Array.of(i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff), fixedInfo)));
  }
  return concat(...blocks).slice(0, length);
}

function run(algorithm: number, key: Uint8Array, data: Uint8Array): Uint8Array {
  switch (algorithm) {
    case CIPHER_ALGORITHM.AES_CBC_ENCRYPT:
    case CIPHER_ALGORITHM.AES_CBC_DECRYPT:
      if (data.length === 0 || data.length % AES_BLOCK !== 0)
        throw new CardStatus(SW.INCORRECT_DATA, 'AES-CBC data must be whole 16-byte blocks');
      return aesCbcZeroIv(key, data, algorithm === CIPHER_ALGORITHM.AES_CBC_ENCRYPT ? 'encrypt' : 'decrypt');
    case CIPHER_ALGORITHM.AES_CMAC:
      return aesCmac(key, data);
    default:
      return deriveSp800108Cmac(key, data);
  }
}

export const cipherSymmetric: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  if (!(Object.values(CIPHER_ALGORITHM) as number[]).includes(cmd.p2)) {
    throw new CardStatus(SW.INCORRECT_P1P2, `unknown symmetric algorithm ${cmd.p2.toString(16)}`);
  }
  const key = keyForUse(ctx, cmd.p1, cmd.p2, ['aes']);
  const data = run(cmd.p2, key.material, cmd.data);
  spendUse(key);
  return { data, sw: SW.OK };
};
