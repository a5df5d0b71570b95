import test from 'ava';
import { seq } from '../helpers/apdu.ts';
import { AID, initializedCard, SELECT_APPLET, testCard } from './sim-card.ts';

// The ISO transport rules around every handler (§1.1, §1.2, §1.3): malformed APDUs, CLA, unknown
// INS, Ne and 61xx/GET RESPONSE, case 3 without data, extended Le, command chaining.

test('malformed APDUs are answered with 6700, never an exception', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  for (const c of ['', '00', '00A404', '00A404000B E82B', '00B10000 04 5402 0000 00 00', '00A40400 00 00', '00A40400 00 0005 AABBCCDD']) {
    t.is((await card.send(c)).sw, '6700', JSON.stringify(c));
  }
});

test('CLA: 00/80 and their chaining forms accepted; SM bits → 6882; logical channels → 6881; others → 6E00', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('80840000 08')).sw, '9000', 'CLA 80 accepted for an ISO INS');
  t.is((await card.send('0C840000 08')).sw, '6882');
  t.is((await card.send('01840000 08')).sw, '6881');
  for (const cla of ['FF', 'A0', '40', 'E0']) t.is((await card.send(`${cla}840000 08`)).sw, '6E00', cla);
});

test('unknown INS → 6D00', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  // 22 (MSE), 2A (PSO), 54 (MANAGE PKA), 5A (GENERATE SESSION PIN), 76 (DERIVE EC KEY), 82 (EXTERNAL
  // AUTHENTICATE) and 86 (GENERAL AUTHENTICATE) are simulated (§3.16, §3.20, §3.21)
  for (const ins of ['00', '0E', 'CA', 'FE']) t.is((await card.send(`00${ins}0000`)).sw, '6D00', ins);
});

test('response longer than Ne → Ne bytes ‖ 61xx, GET RESPONSE serves the rest, then 6985', async (t) => {
  const card = testCard();
  const full = (await card.ok(SELECT_APPLET)).data; // 25 bytes of FCP
  const first = await card.send(`00A40400 0B ${AID} 05`);
  t.deepEqual([first.data, first.sw], [full.slice(0, 10), '6114']);
  const second = await card.send('00C0000010');
  t.deepEqual([second.data, second.sw], [full.slice(10, 42), '6104']);
  const third = await card.send('00C0000000');
  t.deepEqual([third.data, third.sw], [full.slice(42), '9000']);
  t.is((await card.send('00C0000000')).sw, '6985', 'nothing pending any more');
});

test('a new command discards a pending GET RESPONSE', async (t) => {
  const card = testCard();
  t.is((await card.send(`00A40400 0B ${AID} 01`)).sw, '6118');
  await card.ok('0084000004');
  t.is((await card.send('00C0000000')).sw, '6985');
});

// GAKP RSA-2048 with the exact §11.2 body, sent with a short Le 00 = 256 (the answer is ~680 bytes).
const GAKP_RSA2048_SHORT_LE =
  '00460100 3A 5F290100 4209555443413030303031 7F4915 060A04007F00070202020102 8203010001 02020800 5F2010 44454E4B303130353730323030303031 00';

test('61xx says 00 while 256 or more bytes remain; the parts reassemble the stored request', async (t) => {
  const card = await initializedCard({ share: true, verified: true });
  const first = await card.send(GAKP_RSA2048_SHORT_LE);
  t.is(first.sw, '6100');
  t.is(first.bytes.length, 256);
  const parts = [first.bytes];
  let sw = first.sw;
  while (sw.startsWith('61')) {
    const next = await card.send('00C0000000');
    parts.push(next.bytes);
    sw = next.sw;
    if (sw.startsWith('61') && sw !== '6100') t.is(next.bytes.length, 256);
  }
  t.is(sw, '9000');
  const whole = Buffer.concat(parts);
  t.deepEqual(new Uint8Array(whole), card.sim.state.files.get(0xce01), 'the card stored the same request in CE01');
});

test('READ BINARY with extended Le 0000 returns the whole EF in one answer', async (t) => {
  const card = await initializedCard({ verified: true });
  const content = seq(0x1ff);
  await card.ok(`00D7CF01 00 0207 5402 0000 5382 01FF ${Buffer.from(content).toString('hex')}`);
  const all = await card.send('00B1CF01 00 0004 5402 0000 0000');
  t.is(all.sw, '9000');
  t.deepEqual(all.bytes, content);
});

test('ENUMERATE answers its list in short (Le 00) and extended (Le 0000) form alike', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  const ext = await card.ok('80580000000000');
  const short = await card.ok('8058000000');
  t.is(ext.data, 'cc002f02');
  t.is(short.data, ext.data);
});

test('case 3 (no Le) yields status only, even when the instruction has data to return', async (t) => {
  const card = testCard();
  const a = await card.send(`00A40400 0B ${AID}`);
  t.deepEqual([a.data, a.sw], ['', '9000']);
  t.is((await card.send('00C0000000')).sw, '6985', 'and nothing is held back for GET RESPONSE');
});

test('command chaining (CLA 10): links answer 9000, the last one gets the assembled data', async (t) => {
  const card = await initializedCard({ verified: true });
  const data = seq(300);
  const body = Buffer.concat([Buffer.from('54020000538201 2C'.replace(/ /g, ''), 'hex'), Buffer.from(data)]);
  const cut = [body.subarray(0, 200), body.subarray(200)];
  const link = await card.send(Buffer.concat([Buffer.from('10D7CF02', 'hex'), Buffer.of(cut[0]!.length), cut[0]!]));
  t.is(link.sw, '9000');
  const last = await card.send(Buffer.concat([Buffer.from('00D7CF02', 'hex'), Buffer.of(cut[1]!.length), cut[1]!]));
  t.is(last.sw, '9000');
  t.deepEqual(card.sim.state.files.get(0xcf02), data);
});

test('chaining: a link with another header → 6883; an unchained other command abandons the chain', async (t) => {
  const card = await initializedCard({ verified: true });
  t.is((await card.send('10D7CF03 04 54020000')).sw, '9000');
  t.is((await card.send('10D7CF04 02 5300')).sw, '6883');
  t.is((await card.send('10D7CF03 04 54020000')).sw, '9000');
  t.is((await card.send(SELECT_APPLET)).sw, '9000', 'SELECT is processed normally');
  t.is((await card.send('00D7CF03 02 5300')).sw, '6982', 'the chain is gone (and SELECT logged out)');
  t.false(card.sim.state.files.has(0xcf03));
});
