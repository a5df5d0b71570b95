import test from 'ava';
import { SC_HSM_ATR, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { AID, INITIALIZE, SELECT_APPLET, testCard, VERIFY_PIN } from './sim-card.ts';

// SELECT (§2.3, §2.4, §3.1) and the applet-selection life cycle.

// 62 17 | 82 01 38 (DF) | 84 0B <AID> | 85 05 <options 0000> <type 00 = JCOP applet> <3> <5>
const FCP_UNINITIALISED = `6217 820138 840B${AID} 8505 0000 00 03 05`.replace(/ /g, '').toLowerCase();

test('ATR is the SmartCard-HSM contact ATR of §2.1', (t) => {
  t.deepEqual(SC_HSM_ATR, hex('3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA'));
  t.deepEqual(new SmartCardHsmSimulator().atr, SC_HSM_ATR);
  let tck = 0;
  for (const b of SC_HSM_ATR.subarray(1)) tck ^= b;
  t.is(tck, 0, 'TCK makes the XOR of T0..TCK zero');
});

test('SELECT applet as OpenSC sends it → FCP with tag 85 (options, type, version 3.5)', async (t) => {
  const card = testCard();
  const a = await card.send(SELECT_APPLET);
  t.is(a.sw, '9000');
  t.is(a.data, FCP_UNINITIALISED);
});

test('SELECT applet P2 04 (sc-hsm-embedded) → the same FCP; P2 0C → no data; other P2 → 6A86', async (t) => {
  const card = testCard();
  t.is((await card.send(`00A40404 0B ${AID} 00`)).data, FCP_UNINITIALISED);
  const quiet = await card.send(`00A4040C 0B ${AID}`);
  t.deepEqual([quiet.sw, quiet.data], ['9000', '']);
  t.is((await card.send(`00A40402 0B ${AID} 00`)).sw, '6A86');
});

test('tag 85 carries the options word of INITIALIZE (0001 after §11.1)', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE);
  t.is((await card.send(SELECT_APPLET)).data.slice(-14), '85050001000305');
});

test('unknown AIDs (OpenSC probes other drivers first) → 6A82 and the applet stays selected', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00A4040007627601FF000000')).sw, '6A82');
  t.is((await card.send('00A4040006A00000000101')).sw, '6A82');
  t.is((await card.send('80580000000000')).sw, '9000', 'still selected');
});

test('applet not selected after power-on and reset: every INS but SELECT → 6E00', async (t) => {
  const card = testCard();
  for (const c of ['00200081', '80580000000000', '00B10000045402000000', '0084000008', '00A40000022F0200']) {
    const expected = c.startsWith('00A4') ? '6A82' : '6E00';
    t.is((await card.send(c)).sw, expected, c);
  }
  await card.ok(SELECT_APPLET);
  t.is((await card.send('0084000008')).sw, '9000');
  card.sim.reset();
  t.is((await card.send('0084000008')).sw, '6E00');
});

test('SELECT EF by FID → real-card FCI 6F 0B 80 02 <size> 82 01 01 83 02 <FID>; sets the current EF', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  const size = card.sim.state.files.get(0x2f02)!.length;
  const a = await card.send('00A40000022F0200');
  t.is(a.sw, '9000');
  t.is(a.data, `6f0b8002${size.toString(16).padStart(4, '0')}8201018302 2f02`.replace(/ /g, ''));
  t.is(card.sim.session.currentEf, 0x2f02);
  t.is((await card.send('00A40000022F0300')).sw, '6A82', '2F03 does not exist before a label is written');
  t.is((await card.send('00A40000032F0200')).sw, '6A87', 'Lc 3 is inconsistent with P1 00');
});

test('SELECT by path: one FID below the MF works, 5015/4946 and 2F00 (EF.DIR) → 6A82', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00A40800022F0200')).sw, '9000');
  t.is((await card.send('00A40800022F0000')).sw, '6A82');
  t.is((await card.send('00A40800045015494600')).sw, '6A82');
  t.is((await card.send('00A40300022F0200')).sw, '6A86');
});

test('re-SELECT of the applet logs the user out (§2.3)', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE);
  await card.ok(VERIFY_PIN);
  t.is((await card.send('00200081')).sw, '9000');
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00200081')).sw, '63C3');
});
