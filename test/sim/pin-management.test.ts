import test from 'ava';
import { INITIALIZE, initializedCard, SELECT_APPLET, SO_PIN, testCard } from './sim-card.ts';

// CHANGE REFERENCE DATA (§3.7) and RESET RETRY COUNTER (§3.8).

const PIN = '363438323139'; // "648219"
const NEW_PIN = '3131313131313131'; // "11111111"
const WRONG_SO = '3030303030303030';

test('CHANGE 81: old ‖ new → 9000; the new PIN verifies, the old does not', async (t) => {
  const card = await initializedCard();
  t.is((await card.send(`00240081 0E ${PIN}${NEW_PIN}`)).sw, '9000');
  t.is((await card.send(`00200081 08 ${NEW_PIN}`)).sw, '9000');
  t.is((await card.send(`00200081 06 ${PIN}`)).sw, '63C2');
});

test('CHANGE 81 splits at the stored PIN length: an old PIN of another length is a wrong PIN', async (t) => {
  const card = await initializedCard();
  // "6482190" ‖ "123456": the card takes "648219" as old (right!) and "0123456" as new.
  t.is((await card.send('00240081 0D 36343832313930 313233343536')).sw, '9000');
  t.is((await card.send('00200081 07 30313233343536')).sw, '9000');
  // now stored length 7: "648219" ‖ "111111" splits as "6482191" / "11111" → wrong old PIN
  t.is((await card.send(`00240081 0C ${PIN}313131313131`)).sw, '6A80', 'the remainder is too short for a PIN');
  t.is((await card.send(`00240081 0E ${PIN}3131313131313131`)).sw, '63C2');
});

test('CHANGE 81 wrong old PIN counts down and blocks; blocked → 6983', async (t) => {
  const card = await initializedCard();
  const wrong = `00240081 0C 313233343536 ${NEW_PIN.slice(0, 12)}`;
  t.is((await card.send(wrong)).sw, '63C2');
  t.is((await card.send(wrong)).sw, '63C1');
  t.is((await card.send(wrong)).sw, '6983');
  t.is((await card.send(`00240081 0C ${PIN}${NEW_PIN.slice(0, 12)}`)).sw, '6983');
});

test('CHANGE 88: old SO-PIN ‖ new SO-PIN (16 bytes); wrong → 63CE; other lengths → 6A80', async (t) => {
  const card = await initializedCard();
  t.is((await card.send(`00240088 10 ${WRONG_SO}${WRONG_SO}`)).sw, '63CE');
  t.is((await card.send(`00240088 08 ${SO_PIN}`)).sw, '6A80');
  t.is((await card.send(`00240088 10 ${SO_PIN}${WRONG_SO}`)).sw, '9000');
  t.is((await card.send(`00200088 08 ${WRONG_SO}`)).sw, '9000');
});

test('CHANGE on an uninitialised card or another reference → 6A88; P1 01 → 6A86', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send(`00240081 0C ${PIN}${PIN}`)).sw, '6A88');
  await card.ok(INITIALIZE);
  t.is((await card.send(`00240085 0C ${PIN}${PIN}`)).sw, '6A88');
  t.is((await card.send(`00240181 06 ${PIN}`)).sw, '6A86');
});

async function blockedCard() {
  const card = await initializedCard();
  for (let i = 0; i < 3; i++) await card.send('00200081 06 313233343536');
  return card;
}

test('RRC P1 00: SO-PIN ‖ new PIN unblocks and sets the PIN (OpenSC sc_hsm_init_pin)', async (t) => {
  const card = await blockedCard();
  t.is((await card.send('00200081')).sw, '6983');
  t.is((await card.send(`002C0081 10 ${SO_PIN}${NEW_PIN}`)).sw, '9000');
  t.is((await card.send('00200081')).sw, '63C3');
  t.is((await card.send(`00200081 08 ${NEW_PIN}`)).sw, '9000');
});

test('RRC P1 01: SO-PIN only resets the counter, the PIN stays (sc-hsm-embedded)', async (t) => {
  const card = await blockedCard();
  t.is((await card.send(`002C0181 08 ${SO_PIN}`)).sw, '9000');
  t.is((await card.send(`00200081 06 ${PIN}`)).sw, '9000');
});

test('RRC P1 02/03 need the SO-PIN verified in this session; else 6982', async (t) => {
  const card = await blockedCard();
  t.is((await card.send('002C0381')).sw, '6982');
  t.is((await card.send(`002C0281 08 ${NEW_PIN}`)).sw, '6982');
  await card.ok(`00200088 08 ${SO_PIN}`);
  t.is((await card.send('002C0381')).sw, '9000');
  t.is((await card.send('00200081')).sw, '63C3');
  t.is((await card.send(`002C0281 08 ${NEW_PIN}`)).sw, '9000');
  t.is((await card.send(`00200081 08 ${NEW_PIN}`)).sw, '9000');
});

test('RRC with a wrong SO-PIN counts the SO counter down: 63CE, then 63CD', async (t) => {
  const card = await blockedCard();
  t.is((await card.send(`002C0181 08 ${WRONG_SO}`)).sw, '63CE');
  t.is((await card.send(`002C0081 10 ${WRONG_SO}${NEW_PIN}`)).sw, '63CD');
  t.is((await card.send('00200088')).sw, '63CD');
  t.is((await card.send('00200081')).sw, '6983', 'user PIN still blocked');
});

test('RRC without option 0001 → 6986; with 0021 (reset only) setting a PIN → 6986 but P1 01 works', async (t) => {
  const off = testCard();
  await off.ok(SELECT_APPLET);
  await off.ok(INITIALIZE.replace('8002 0001', '8002 0000'));
  t.is((await off.send(`002C0181 08 ${SO_PIN}`)).sw, '6986');
  t.is((await off.send(`002C0081 10 ${SO_PIN}${NEW_PIN}`)).sw, '6986');
  const only = testCard();
  await only.ok(SELECT_APPLET);
  await only.ok(INITIALIZE.replace('8002 0001', '8002 0021'));
  t.is((await only.send(`002C0081 10 ${SO_PIN}${NEW_PIN}`)).sw, '6986');
  t.is((await only.send(`002C0181 08 ${SO_PIN}`)).sw, '9000');
});

test('RRC parameter and length errors: P2 ≠ 81 → 6A88, P1 04 → 6A86, short data → 6A80, uninitialised → 6A88', async (t) => {
  const card = await initializedCard();
  t.is((await card.send(`002C0088 10 ${SO_PIN}${NEW_PIN}`)).sw, '6A88');
  t.is((await card.send('002C0481')).sw, '6A86');
  t.is((await card.send(`002C0081 0C ${SO_PIN}31313131`)).sw, '6A80');
  t.is((await card.send(`002C0181 09 ${SO_PIN}31`)).sw, '6A80');
  const fresh = testCard();
  await fresh.ok(SELECT_APPLET);
  t.is((await fresh.send(`002C0181 08 ${SO_PIN}`)).sw, '6A88');
});
