import { INS } from './constants.ts';
import { select } from './handlers/select.ts';
import type { InsHandler } from './types.ts';

/**
 * The instruction table of the simulated SmartCard-HSM: INS → handler, one handler file per
 * instruction in handlers/ (§3.0). Unknown INS → 6D00 (answered by the simulator core).
 */
export const DISPATCH: ReadonlyMap<number, InsHandler> = new Map<number, InsHandler>([
  [INS.SELECT, select], // §3.1
]);
