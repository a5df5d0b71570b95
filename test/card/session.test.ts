import test from 'ava';
import { apdu, hex } from '../helpers/apdu.ts';
import { scripted } from '../helpers/scripted-transport.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { AppletNotFoundError, PinIncorrectError } from '../../src/card/errors.ts';
import { parseAppletFcp } from '../../src/card/commands/select-applet.ts';

// §11.1: SELECT applet as OpenSC sends it; FCP answer copied from the peer trace 16-list-objects (pico 6.6).
const SELECT = hex('00A404000BE82B0601040181C31F020100');
const FCP_PICO = hex('62228102000082010183020000840B2B0601040181C31F0201308A010585050001FF0606 9000');

test('open selects the applet with P2 00 and short Le 00, and keeps tag 85', async (t) => {
  const tr = scripted([[SELECT, FCP_PICO]]);
  const card = await SmartCardHsm.open(tr);
  t.deepEqual(card.applet.version, { major: 6, minor: 6 });
  t.is(card.applet.options, 0x0001);
  t.is(card.applet.type, 0xff);
  t.is(card.applet.typeName, 'SmartCard-HSM');
  tr.assertConsumed();
});

test('open: SELECT 6A82 is AppletNotFoundError carrying the SW', async (t) => {
  const tr = scripted([[SELECT, hex('6A82')]]);
  const err = await t.throwsAsync(SmartCardHsm.open(tr), { instanceOf: AppletNotFoundError });
  t.is(err?.sw, 0x6a82);
  t.is(err?.code, 'ERR_SCHSM_APPLET_NOT_FOUND');
  t.regex(err?.message ?? '', /SELECT SmartCard-HSM applet/);
  tr.assertConsumed();
});

test('open: an application without tag 85 is not a SmartCard-HSM', async (t) => {
  const tr = scripted([[SELECT, hex('6F 07 84 05 A000000001 9000')]]);
  await t.throwsAsync(SmartCardHsm.open(tr), { instanceOf: AppletNotFoundError });
  tr.assertConsumed();
});

test('tag 85 layouts: 5 bytes (options, type, version), 2 bytes (version < 2.0)', (t) => {
  const five = parseAppletFcp(hex('62 07 85 05 00 03 00 03 05'));
  t.deepEqual(five?.version, { major: 3, minor: 5 });
  t.is(five?.options, 0x0003);
  t.is(five?.typeName, 'SmartCard-HSM Applet for JCOP');
  const two = parseAppletFcp(hex('62 04 85 02 01 02'));
  t.deepEqual(two?.version, { major: 1, minor: 2 });
  t.is(two?.options, undefined);
  t.is(parseAppletFcp(hex('62 03 85 01 00')), undefined, 'OpenSC needs at least 2 bytes');
});

test('send maps a failing SW through errorFromStatus; raw: true returns it', async (t) => {
  const tr = scripted([
    [SELECT, FCP_PICO],
    [apdu`00 20 00 81`, hex('63C3')], // the channel's guard asks first
    [apdu`00 20 00 81 | 06 | 363438323130`, hex('63C2')],
    [apdu`00 20 00 81`, hex('63C2')],
  ]);
  const card = await SmartCardHsm.open(tr);
  const err = await t.throwsAsync(card.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: hex('363438323130') }), {
    instanceOf: PinIncorrectError,
  });
  t.is(err?.retriesLeft, 2);
  const res = await card.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81 }, { raw: true });
  t.is(res.sw, 0x63c2);
  tr.assertConsumed();
});

test('logout re-selects the applet (and nothing else)', async (t) => {
  const tr = scripted([
    [SELECT, FCP_PICO],
    [SELECT, FCP_PICO],
  ]);
  const card = await SmartCardHsm.open(tr);
  await card.logout();
  tr.assertConsumed();
  t.pass();
});

test('status() sends only status queries and reads: never a PIN', async (t) => {
  const { cardWithScript } = await import('../helpers/card-script.ts');
  const { card, tr } = await cardWithScript([
    [hex('00200081'), hex('63C3')],
    [hex('00200088'), hex('63CF')],
    [hex('8052000000'), hex('01006C609824B9CA28EB9000')],
    [apdu`00 B1 2F 02 | 00 00 04 | 54 02 00 00 | 04 00`, hex('6A82')],
    [hex('80580000000000'), hex('CC00CC01C4019000')],
  ]);
  const s = await card.status();
  t.like(s, { initialized: true, serial: undefined, keyCount: 1, version: { major: 6, minor: 6 } });
  t.deepEqual(s.userPin, { ref: 0x81, state: 'not-verified', retriesLeft: 3 });
  t.deepEqual(s.soPin, { ref: 0x88, state: 'not-verified', retriesLeft: 15 });
  t.is(s.dkek?.kcv, '6C609824B9CA28EB');
  t.deepEqual(s.options?.flags, ['user PIN reset with SO-PIN enabled']);
  tr.assertConsumed();
});
