import { parseNumber } from '../args.ts';

/** A key reference 1..255 (P1 of the crypto commands; 0 is the device key, §3). */
export function keyRefArg(text: string | undefined): number {
  return parseNumber(text ?? '', 'key reference', 1, 255);
}
