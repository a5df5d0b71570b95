/**
 * Issue 11 item 12: what `apdu --short-only` documents is what happens. A response longer than the
 * short Le comes as 61xx + GET RESPONSE (ENUMERATE OBJECTS, whose length is the card's); GET CHALLENGE's
 * length IS the Le, so `84/0000 --short-only` is sent with Le 00 and gets 256 bytes (ISO 7816-4 §5.1:
 * Le 00 in a short APDU means Ne = 256).
 */
import test from 'ava';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { newSim, runOn } from './ops/helpers.ts';

const SELECT = '00A4040C0BE82B0601040181C31F0201';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

test('8058/0000 --short-only: Le 00, then GET RESPONSE until the whole list (602 bytes) is in', async (t) => {
  const sim = newSim();
  // CC00, 2F02 (the device certificates) and 299 more EFs: 301 objects × 2 bytes = 602 bytes
  for (let i = 0; i < 299; i++) sim.state.files.set(0xcf00 + i, new Uint8Array([i & 0xff]));
  t.is(sim.state.files.size, 300);
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['apdu', SELECT, '8058/0000', '--short-only', '--json'], { apdus });
  t.is(r.code, EXIT.OK, r.stderr);
  t.is(hex(apdus[1] as Uint8Array), '8058000000', 'CLA 80 INS 58 P1P2 0000 | Le 00 (short)');
  // 256 bytes ‖ 6100, GET RESPONSE Le 00 → 256 ‖ 615A, GET RESPONSE Le 5A → the last 90 bytes ‖ 9000
  t.deepEqual(apdus.slice(2).map(hex), ['00C0000000', '00C000005A']);
  t.regex(r.stdout, /"sw": "9000"/);
});

test('84/0000 --short-only is GET CHALLENGE with Le 00: 256 bytes, no GET RESPONSE', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['apdu', SELECT, '84/0000', '--short-only'], { apdus });
  t.is(r.code, EXIT.OK, r.stderr);
  t.deepEqual(apdus.slice(1).map(hex), ['0084000000']);
  t.regex(r.stdout, /<= <256 data bytes> \| 90 00/);
});
