import test from 'ava';
import { INITIALIZE, initializedCard, SELECT_APPLET, SO_PIN, testCard, VERIFY_PIN } from './sim-card.ts';

// VERIFY (§3.6, §7): status queries, counters, blocking, references, transport PIN.

const WRONG_PIN = '00200081 06 313233343536'; // "123456"

test('uninitialised card: VERIFY 81 and 88 (status and with data) → 6A88', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00200081')).sw, '6A88');
  t.is((await card.send('00200088')).sw, '6A88');
  t.is((await card.send(VERIFY_PIN)).sw, '6A88');
  t.is((await card.send(`00200088 08 ${SO_PIN}`)).sw, '6A88');
});

test('VERIFY 85 and 86 (biometric templates) → 6A88, so OpenSC sees no PIN pad', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00200085')).sw, '6A88');
  t.is((await card.send('00200086')).sw, '6A88');
  t.is((await card.send('00200085 03 7F2400')).sw, '6A88');
});

test('status after INITIALIZE: 81 → 63C3, 88 → 63CF (15 tries), as in the peer trace step 06', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00200081')).sw, '63C3');
  t.is((await card.send('00200088')).sw, '63CF');
});

test('wrong, wrong, wrong → 63C2, 63C1, 6983; then blocked for the right PIN and the status query', async (t) => {
  const card = await initializedCard();
  t.is((await card.send(WRONG_PIN)).sw, '63C2');
  t.is((await card.send('00200081')).sw, '63C2');
  t.is((await card.send(WRONG_PIN)).sw, '63C1');
  t.is((await card.send(WRONG_PIN)).sw, '6983');
  t.is((await card.send(VERIFY_PIN)).sw, '6983');
  t.is((await card.send('00200081')).sw, '6983');
});

test('the right PIN → 9000, status 9000 in this session, and the counter is back to 3', async (t) => {
  const card = await initializedCard();
  t.is((await card.send(WRONG_PIN)).sw, '63C2');
  t.is((await card.send(VERIFY_PIN)).sw, '9000');
  t.is((await card.send('00200081')).sw, '9000');
  card.sim.reset();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00200081')).sw, '63C3');
});

test('a failed VERIFY ends an earlier verification', async (t) => {
  const card = await initializedCard({ verified: true });
  t.is((await card.send(WRONG_PIN)).sw, '63C2');
  t.is((await card.send('00200081')).sw, '63C2');
  t.is((await card.send('0084000008')).sw, '9000');
  t.is((await card.send('00E4020002CF01')).sw, '6982', 'no longer authorised');
});

test('PIN lengths outside 6..16 → 6A80 without using a try', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00200081 05 3132333435')).sw, '6A80');
  t.is((await card.send(`00200081 11 ${'31'.repeat(17)}`)).sw, '6A80');
  t.is((await card.send('00200081')).sw, '63C3');
});

test('SO-PIN: VERIFY 88 with the right code → 9000 and status 9000; wrong → 63CE; not 8 bytes → 6A80', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00200088 08 3030303030303030')).sw, '63CE');
  t.is((await card.send('00200088 04 35373632')).sw, '6A80');
  t.is((await card.send(`00200088 08 ${SO_PIN}`)).sw, '9000');
  t.is((await card.send('00200088')).sw, '9000');
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00200088')).sw, '63CF');
});

test('transport-PIN mode (option 0002): VERIFY 81 → 6984 until CHANGE REFERENCE DATA', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE.replace('8002 0001', '8002 0003'));
  t.is((await card.send('00200081')).sw, '6984');
  t.is((await card.send(VERIFY_PIN)).sw, '6984');
  t.is((await card.send('00240081 0C 363438323139 313131313131')).sw, '9000');
  t.is((await card.send('00200081 06 313131313131')).sw, '9000');
});

test('transport PIN: VERIFY 6984 spends no try (even a wrong PIN), key use is refused (6982) until the PIN is changed', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE.replace('8002 0001', '8002 0003'));
  t.is((await card.send('00200081 06 303030303030')).sw, '6984', 'a wrong PIN is not even compared');
  t.is(card.sim.state.userPin?.retries, 3);
  // GENERATE ASYMMETRIC KEY PAIR 00 46 01 00 | Lc 00003A | the RSA-2048 body of §11.2 | Le 0000: needs the user PIN
  const body = '5F290100 4209555443413030303031 7F4915 060A04007F00070202020102 8203010001 02020800 5F201044454E4B303130353730323030303031';
  t.is((await card.send(`00460100 00003A ${body} 0000`)).sw, '6982');
  t.is((await card.send('00240081 0C 363438323139 313131313131')).sw, '9000');
  t.is((await card.send('00200081')).sw, '9000', 'changing the transport PIN leaves the user verified');
});

test('VERIFY with P1 ≠ 00 → 6A86', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00200181')).sw, '6A86');
});
