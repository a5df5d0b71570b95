/**
 * Issue 11 item 12: `00 B0 00` (three bytes) is refused, not sent as `00 00 B0 00`; the shell splitting
 * one APDU into single-byte words is refused; "odd number of hex digits" says the text once.
 */
import test from 'ava';
import { parseApduText, ScriptError } from '../../src/apdu/script.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { newSim, runOn } from './ops/helpers.ts';

test('"00 B0 00" is three bytes, not INS P1P2: refused; "B0 0000" and "A40400" keep their structured meaning', (t) => {
  const err = t.throws(() => parseApduText('00 B0 00'), { instanceOf: ScriptError });
  t.is(
    err?.message,
    '"00 B0 00": 3 bytes are not an APDU (CLA INS P1 P2 needs 4); the structured form INS P1P2 is written with P1P2 together, e.g. B0 0000',
  );
  // INS P1P2 → CLA 00 | INS B0 | P1 00 | P2 00 (case 1)
  t.deepEqual([...parseApduText('B0 0000').bytes], [0x00, 0xb0, 0x00, 0x00]);
  t.deepEqual([...parseApduText('A40400').bytes], [0x00, 0xa4, 0x04, 0x00]);
});

test('odd number of hex digits: the text is quoted once', (t) => {
  const err = t.throws(() => parseApduText('00A4040'), { instanceOf: ScriptError });
  t.is(err?.message, 'odd number of hex digits (7) in "00A4040"');
});

test('schsm apdu: a three-byte APDU and an APDU split by the shell send nothing (exit 2)', async (t) => {
  const apdus: Uint8Array[] = [];
  const sim = newSim();
  const three = await runOn(sim, ['apdu', '00 B0 00'], { apdus });
  t.is(three.code, EXIT.USAGE);
  t.regex(three.stderr, /3 bytes are not an APDU/);
  const split = await runOn(sim, ['apdu', '00', 'B0', '00'], { apdus });
  t.is(split.code, EXIT.USAGE);
  t.regex(split.stderr, /^error: 3 single bytes \(00 B0 00\) as separate APDUs: is it one APDU the shell split\?$/m);
  t.deepEqual(apdus, [], 'nothing was sent');
  const two = await runOn(sim, ['apdu', '00A4040C0BE82B0601040181C31F0201', '84/08'], { apdus });
  t.is(two.code, EXIT.OK, two.stderr);
});
