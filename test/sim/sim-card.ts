import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';

/**
 * Test-side access to an in-process simulator with raw APDUs. Commands are hex text (whitespace and
 * `|` ignored, via the independent test/helpers/apdu.ts) or bytes; answers come back as lower-case
 * hex of the data and the SW, so expectations are plain literals from the protocol doc and traces.
 */
export interface Answer {
  readonly data: string;
  readonly sw: string;
  readonly bytes: Uint8Array;
}

export const AID = 'E82B0601040181C31F0201';
export const SELECT_APPLET = `00A404000B${AID}00`;
/** §11.1: sc-hsm-tool --initialize --so-pin 3537363231383830 --pin 648219 --dkek-shares 1 */
export const INITIALIZE = '805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101';
export const VERIFY_PIN = '00200081 06 363438323139';
export const SO_PIN = '3537363231383830';
/** The peer trace's DKEK share (traces/README.md) and its KCV. */
export const PEER_SHARE = '2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function answer(r: Uint8Array): Answer {
  return {
    data: toHex(r.subarray(0, r.length - 2)),
    sw: toHex(r.subarray(r.length - 2)).toUpperCase(),
    bytes: r.subarray(0, r.length - 2),
  };
}

export interface TestCard {
  readonly sim: SmartCardHsmSimulator;
  send(command: string | Uint8Array): Promise<Answer>;
  /** Send and require SW 9000; returns the data. */
  ok(command: string | Uint8Array): Promise<Answer>;
}

export function testCard(sim = new SmartCardHsmSimulator()): TestCard {
  const send = async (command: string | Uint8Array): Promise<Answer> =>
    answer(await sim.process(typeof command === 'string' ? hex(command) : command));
  return {
    sim,
    send,
    ok: async (command) => {
      const a = await send(command);
      if (a.sw !== '9000') throw new Error(`${typeof command === 'string' ? command : toHex(command)} → ${a.sw}, expected 9000`);
      return a;
    },
  };
}

/** A selected, initialised card (§11.1 INITIALIZE: options 0001, PIN 648219, 3 tries, 1 DKEK share). */
export async function initializedCard(options: { verified?: boolean; share?: boolean } = {}): Promise<TestCard> {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE);
  if (options.share === true) await card.ok(`8052000020${PEER_SHARE}00`);
  if (options.verified === true) await card.ok(VERIFY_PIN);
  return card;
}
