// A tiny in-process card for recorder tests: fixed, predictable answers (not a SmartCard-HSM model).
import { TransportError } from '../../src/transport/errors.ts';
import type { Transport } from '../../src/transport/transport.ts';

export const TINY_ATR = Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x01]);
export const TINY_ATR_AFTER_RESET = Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x02]);
/** What GET CHALLENGE answers (so a test can check that these bytes never reach a trace). */
export const TINY_RANDOM = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]);

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

/**
 *   SELECT (A4)            → 9000
 *   VERIFY (20) with "648219" → 9000; other PIN → 63C2; no data → 63C3
 *   GET CHALLENGE (84)     → TINY_RANDOM (first Le bytes) 9000
 *   IMPORT DKEK SHARE (52) → 01 00 + KCV 6C609824B9CA28EB, 9000
 *   INS EE                 → throws TransportError (a reader that fails)
 *   anything else          → 9000
 */
export function tinyCard(): Transport & { readonly received: Uint8Array[]; resets: number; closed: boolean } {
  let atr = TINY_ATR;
  const card = {
    name: 'tiny card',
    get atr() {
      return atr;
    },
    protocol: 'T=1',
    received: [] as Uint8Array[],
    resets: 0,
    closed: false,
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      card.received.push(Uint8Array.from(command));
      const ins = command[1];
      if (ins === 0xee) throw new TransportError('tiny card: reader unplugged', 'ERR_SCHSM_TRANSPORT_GONE');
      if (ins === 0x20) {
        if (command.length <= 5) return hex('63C3');
        return Buffer.from(command.subarray(5)).toString('latin1') === '648219' ? hex('9000') : hex('63C2');
      }
      if (ins === 0x84) return Uint8Array.from([...TINY_RANDOM.subarray(0, command[4] ?? 8), 0x90, 0x00]);
      if (ins === 0x52) return hex('0100 6C609824B9CA28EB 9000');
      return hex('9000');
    },
    async reset(): Promise<void> {
      card.resets++;
      atr = TINY_ATR_AFTER_RESET;
    },
    async close(): Promise<void> {
      card.closed = true;
    },
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      return fn();
    },
  };
  return card;
}
