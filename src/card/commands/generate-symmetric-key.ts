import { concat } from '../../apdu/hex.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { ALGO, CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';

export interface GenerateSymmetricKeyOptions {
  /** Reference of the new key (P1), 1..255. */
  readonly ref: number;
  /** AES key size: 128, 192 or 256 bits (P2 B0 / B1 / B2). */
  readonly bits: 128 | 192 | 256;
  /** Allowed algorithm ids (tag 91); CardContact's default list is 10 11 18 99 (§3.12). */
  readonly algorithms?: readonly number[];
  /** Key use counter (tag 90, 4 bytes). */
  readonly keyUseCounter?: number;
  /** Key domain (tag 92). */
  readonly keyDomain?: number;
}

const P2: Readonly<Record<number, number>> = { 128: ALGO.AES_128, 192: ALGO.AES_192, 256: ALGO.AES_256 };

function optionalData(o: GenerateSymmetricKeyOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  if (o.algorithms !== undefined) parts.push(encodeTlv(0x91, Uint8Array.from(o.algorithms)));
  if (o.keyUseCounter !== undefined) {
    const v = o.keyUseCounter;
    parts.push(encodeTlv(0x90, Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)));
  }
  if (o.keyDomain !== undefined) parts.push(encodeTlv(0x92, Uint8Array.of(o.keyDomain)));
  return concat(...parts);
}

/**
 * GENERATE SYMMETRIC KEY `00 48 <keyRef> <B0|B1|B2> [Lc 91 … 90 … 92 …]` (§3.12). No response data;
 * the host then writes a secret-key description (A8…) to C4<keyRef> (keys.ts does).
 */
export async function generateSymmetricKey(card: CardSession, options: GenerateSymmetricKeyOptions): Promise<void> {
  const p2 = P2[options.bits];
  if (p2 === undefined) throw new InvalidArgumentError(`AES key size ${options.bits} is not 128, 192 or 256`);
  if (!Number.isInteger(options.ref) || options.ref < 1 || options.ref > 255)
    throw new InvalidArgumentError(`key reference must be 1..255, got ${options.ref}`);
  const data = optionalData(options);
  const cmd = { cla: CLA.ISO, ins: INS.GENERATE_SYMMETRIC_KEY, p1: options.ref, p2, ...(data.length > 0 ? { data } : {}) };
  await card.send(cmd, { operation: `GENERATE SYMMETRIC KEY AES-${options.bits} for key ${options.ref}`, keyRef: options.ref });
}
