import test from 'ava';
import { apdu, byteDifference, hex, seq } from '../helpers/apdu.ts';
import { scripted, ScriptedTransportError } from '../helpers/scripted-transport.ts';
import { showsSecret } from '../helpers/secrets.ts';

// The test oracles themselves must be right: the apdu template and the strict scripted transport.

test('apdu template: literal hex, separators, interpolated bytes, numbers and strings', (t) => {
  const aid = Uint8Array.of(0xe8, 0x2b);
  t.deepEqual(Array.from(apdu`00 A4 | 04:0C ${aid}`), [0x00, 0xa4, 0x04, 0x0c, 0xe8, 0x2b]);
  t.deepEqual(Array.from(apdu`${0x80}58${'00 00'}${[1, 2]}`), [0x80, 0x58, 0x00, 0x00, 1, 2]);
  t.deepEqual(Array.from(apdu``), []);
  t.deepEqual(Array.from(hex('0a0B')), [10, 11]);
  t.deepEqual(Array.from(seq(3, 0xfe)), [0xfe, 0xff, 0x00]);
});

test('apdu template refuses odd groups, non-hex and non-bytes', (t) => {
  t.throws(() => apdu`00 A 4`, { instanceOf: TypeError, message: /odd hex group "A"/ });
  t.throws(() => apdu`00 G0`, { instanceOf: TypeError, message: /not hex "G0"/ });
  t.throws(() => apdu`00 ${256}`, { instanceOf: TypeError, message: /256 is not a byte/ });
});

test('byteDifference reports the first differing offset and the lengths', (t) => {
  t.is(byteDifference(hex('0102'), hex('0102')), undefined);
  t.regex(byteDifference(hex('010203'), hex('010903')) ?? '', /offset 1 \(actual 3 bytes, expected 3\)/);
  t.regex(byteDifference(hex('0102'), hex('010203')) ?? '', /offset 2 \(actual 2 bytes, expected 3\)/);
});

test('scripted transport answers in order and is satisfied when consumed', async (t) => {
  const card = scripted([[hex('00840000 08'), hex('0102030405060708 9000')], 'reset']);
  t.deepEqual(Array.from(await card.transmit(hex('0084000008'))), [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0]);
  await card.reset();
  card.assertConsumed();
  t.is(card.sent.length, 1);
});

test('scripted transport fails on a wrong command, and assertConsumed re-raises it even if swallowed', async (t) => {
  const card = scripted([[hex('0084000008'), hex('9000')]]);
  await card.transmit(hex('0084000004')).catch(() => undefined); // the code under test swallows it
  const err = t.throws(() => card.assertConsumed(), { instanceOf: ScriptedTransportError });
  t.regex(err?.message ?? '', /expected 00 84 00 00 08\n\s+got\s+00 84 00 00 04/);
});

test('scripted transport fails on one command too many and on leftovers', async (t) => {
  const extra = scripted([]);
  await t.throwsAsync(extra.transmit(hex('00A40400')), { instanceOf: ScriptedTransportError, message: /script is exhausted/ });
  const left = scripted([[hex('00A40400'), hex('9000')], 'reset']);
  await left.transmit(hex('00A40400'));
  t.throws(() => left.assertConsumed(), { instanceOf: ScriptedTransportError, message: /1 entry not consumed; next expected reset/ });
  const noReset = scripted([[hex('00A40400'), hex('9000')]]);
  await t.throwsAsync(noReset.reset(), { instanceOf: ScriptedTransportError, message: /unexpected reset/ });
});

test('showsSecret: a 6-digit PIN as a word of its own, not inside random hex; long secrets anywhere', (t) => {
  t.true(showsSecret('PIN 648219 accepted', '648219'));
  t.true(showsSecret('648219', '648219'));
  t.true(showsSecret('pin=648219\n', '648219'));
  t.false(showsSecret('KCV 9A648219C0FFEE01', '648219'), 'six digits inside a KCV are chance, not a leak');
  t.false(showsSecret('id 0648219f', '648219'));
  t.true(showsSecret('3537363231383830', '3537363231383830'));
  t.true(showsSecret('AB3537363231383830CD', '3537363231383830'), 'a long secret counts anywhere');
  t.true(showsSecret('xCustodian-1-passx', 'Custodian-1-pass'));
});
