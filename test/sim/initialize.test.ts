import test from 'ava';
import { INITIALIZE, initializedCard, PEER_SHARE, SELECT_APPLET, SO_PIN, testCard, VERIFY_PIN } from './sim-card.ts';

// INITIALIZE DEVICE (§3.9, §7): the exact sc-hsm-tool APDU of §11.1, re-initialisation with the
// SO-PIN check, what survives and what is wiped.

/** `80 50 P1 00 Lc <tlvs>` with Lc counted here. */
function init(tlvs: string, p1 = '00'): string {
  const body = tlvs.replace(/\s/g, '');
  return `8050${p1}00${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

test('§11.1 INITIALIZE APDU → 9000, no data; card initialised with options 0001, 3 tries, 1 share', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  const a = await card.send(INITIALIZE);
  t.deepEqual([a.data, a.sw], ['', '9000']);
  const s = card.sim.state;
  t.true(s.initialized);
  t.is(s.options, 0x0001);
  t.deepEqual([s.userPin?.retries, s.userPin?.max, s.soPin?.retries], [3, 3, 15]);
  t.deepEqual([s.dkek?.total, s.dkek?.outstanding], [1, 1]);
  t.is((await card.send('8052000000')).data, '010166687aadf862bd77', 'DKEK query: 1 share, 1 outstanding, KCV of 32 zero bytes');
});

test('INITIALIZE logs the session out (OpenSC verifies again before writing 2F03)', async (t) => {
  const card = await initializedCard({ verified: true });
  t.is((await card.send('00200081')).sw, '9000');
  await card.ok(INITIALIZE);
  t.is((await card.send('00200081')).sw, '63C3');
});

test('re-INITIALIZE with a wrong SO-PIN → 6985 (OpenSC: "PIN incorrect"), counted on the SO counter, nothing wiped', async (t) => {
  const card = await initializedCard({ verified: true });
  await card.ok('00D7CF01 06 5402 0000 5300');
  const wrong = INITIALIZE.replace(SO_PIN, '3030303030303030');
  t.is((await card.send(wrong)).sw, '6985');
  t.is((await card.send('00200088')).sw, '63CE');
  t.true(card.sim.state.files.has(0xcf01), 'files kept');
  await card.ok(VERIFY_PIN);
  t.is((await card.send('00200081')).sw, '9000', 'user PIN unchanged');
});

test('re-INITIALIZE with the SO-PIN blocked → 6983', async (t) => {
  const card = await initializedCard();
  const wrong = INITIALIZE.replace(SO_PIN, '3030303030303030');
  for (let i = 0; i < 14; i++) t.is((await card.send(wrong)).sw, '6985');
  t.is((await card.send(wrong)).sw, '6983', 'the 15th wrong code blocks');
  t.is((await card.send(INITIALIZE)).sw, '6983', 'even the right code');
});

test('re-INITIALIZE with the right SO-PIN wipes keys and EFs but keeps CC00 and 2F02; counters reset', async (t) => {
  const card = await initializedCard({ share: true, verified: true });
  const identity = card.sim.state.files.get(0x2f02);
  await card.ok('00D7C401 06 5402 0000 5300');
  await card.ok('00480AB2');
  t.is((await card.send('00200081 06 313131313131')).sw, '63C2');
  await card.ok(init(`8002 0001 8106 363438323139 8208 ${SO_PIN} 910105`));
  t.is((await card.send('80580000000000')).data, 'cc002f02');
  t.is(card.sim.state.files.get(0x2f02), identity);
  t.is((await card.send('00200081')).sw, '63C5', 'new retry counter 5');
  t.is((await card.send('00200088')).sw, '63CF');
  t.is((await card.send('8052000000')).sw, '6D00', 'no tag 92: no DKEK');
});

test('tag 92 00: the card creates a random DKEK, complete at once', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE.replace('920101', '920100'));
  const q = await card.ok('8052000000');
  t.is(q.data.slice(0, 4), '0000');
  t.not(q.data.slice(4), '66687aadf862bd77');
  t.is((await card.send(`8052000020${PEER_SHARE}00`)).sw, '6986');
});

test('INITIALIZE refusals: no data 6700, bad TLV/lengths 6A80 (also PKA 93 with required > total), P1P2 6A86', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('80500000')).sw, '6700');
  t.is((await card.send('80500000 03 800201')).sw, '6A80', 'truncated TLV');
  t.is((await card.send(init(`8208 ${SO_PIN}`))).sw, '6A80', 'no user PIN');
  t.is((await card.send(init('8106 363438323139'))).sw, '6A80', 'no SO-PIN');
  t.is((await card.send(init(`8105 3634383231 8208 ${SO_PIN} 910103`))).sw, '6A80', 'PIN of 5');
  t.is((await card.send(init(`8106 363438323139 8208 ${SO_PIN} 910110`))).sw, '6A80', '16 retries');
  t.is((await card.send(init(`8106 363438323139 8207 ${SO_PIN.slice(2)}`))).sw, '6A80', 'SO-PIN of 7');
  t.is((await card.send(init(`8106 363438323139 8208 ${SO_PIN} 910103 93020102`))).sw, '6A80', '2 required of 1');
  t.is((await card.send(init(`8106 363438323139 8208 ${SO_PIN} 910103`, '01'))).sw, '6A86');
  t.is((await card.send(init(`8106 363438323139 8208 ${SO_PIN}`))).sw, '9000', 'the minimum: 81 and 82');
  t.is(card.sim.state.userPin?.max, 3, 'default retry counter 3');
});
