import { SmartCardHsm, type OpenOptions } from '../../src/card/sc-hsm.ts';
import { hex } from './apdu.ts';
import { scripted, type ScriptEntry, type ScriptedTransport } from './scripted-transport.ts';

/** SELECT applet exactly as §11.1 writes it, and a pico-style FCP answer (peer trace 16-list-objects). */
export const SELECT_APPLET = hex('00A404000BE82B0601040181C31F020100');
export const FCP_ANSWER = hex('62228102000082010183020000840B2B0601040181C31F0201308A010585050001FF0606 9000');

/**
 * A SmartCardHsm over a strict scripted transport: the SELECT of `open()` is answered first, then the
 * given exchanges must follow exactly. Call `tr.assertConsumed()` at the end of the test.
 */
export async function cardWithScript(
  entries: readonly ScriptEntry[],
  options: OpenOptions = {},
): Promise<{ card: SmartCardHsm; tr: ScriptedTransport }> {
  const tr = scripted([[SELECT_APPLET, FCP_ANSWER], ...entries]);
  const card = await SmartCardHsm.open(tr, options);
  return { card, tr };
}
