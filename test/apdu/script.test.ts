import test from 'ava';
import { parseApduText, parseScript, parseSwPattern, ScriptError, swMatches } from '../../src/apdu/index.ts';
import { apdu, assertBytes, seq } from '../helpers/apdu.ts';
import { AID } from './vectors.ts';

/*
 * The mini-language of src/apdu/script.ts: every form of its doc comment, the rules that keep it
 * unambiguous, and scriptor-compatible scripts (pcsc-tools' scriptor: one hex APDU per line, `#`
 * comments, `reset`, `exit`, `\` continuation).
 */
const forms: ReadonlyArray<readonly [string, Uint8Array]> = [
  // INS only: CLA 00, P1P2 0000
  ['84', apdu`00 84 00 00`],
  ['84/08', apdu`00 84 00 00 | 08`], //                      GET CHALLENGE, Le(1)
  // CLA INS
  ['8058', apdu`80 58 00 00`],
  ['8058/0000', apdu`80 58 00 00 | 00 00 00`], //            ENUMERATE 2E (§11.1)
  ['8058/00', apdu`80 58 00 00 | 00`], //                    short fallback (§1.3)
  // INS P1P2
  ['A40400', apdu`00 A4 04 00`],
  ['B00000/10', apdu`00 B0 00 00 | 10`],
  ['20 0081', apdu`00 20 00 81`], //                          VERIFY status query (§11.1)
  // CLA INS P1P2 with :DATA and /LE
  ['00A40400:E82B0601040181C31F0201/00', apdu`00 A4 04 00 | 0B | ${AID} | 00`], // SELECT (§11.1)
  ['00A4 0400 : E82B 0601 0401 81C3 1F02 01 / 00', apdu`00 A4 04 00 | 0B | ${AID} | 00`],
  ['8072 0192/0000', apdu`80 72 01 92 | 00 00 00`], //       WRAP KEY (§11.1)
  ['80680170:000102/0200', apdu`80 68 01 70 | 00 00 03 | 00 01 02 | 02 00`], // Le(2) forces 4E
  ['00D70000:AABB', apdu`00 D7 00 00 | 02 | AA BB`],
  ['00D70000:', apdu`00 D7 00 00`], //                       empty data = none
  ['00B00000/0100', apdu`00 B0 00 00 | 00 01 00`], //        2E, Ne 256
  ['84/FF', apdu`00 84 00 00 | FF`],
  // whole APDU hex, sent verbatim
  ['00A404000BE82B0601040181C31F020100', apdu`00 A4 04 00 | 0B | ${AID} | 00`],
  ['00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', apdu`00 A4 04 00 | 0B | ${AID} | 00`],
  ['00a4 0400', apdu`00 A4 04 00`],
  ['00A4040005', apdu`00 A4 04 00 05`], // malformed on purpose: verbatim lets a test send it
  // hexdump
  ['00:A4:04:00', apdu`00 A4 04 00`],
  ['00:A4:04:00:0B:E8:2B:06:01:04:01:81:C3:1F:02:01:00', apdu`00 A4 04 00 | 0B | ${AID} | 00`],
  ['00:a4:04:0c ', apdu`00 A4 04 0C`],
];

for (const [text, expected] of forms) {
  test(`mini-language ${JSON.stringify(text)}`, (t) => {
    const p = parseApduText(text);
    assertBytes(t, p.bytes, expected);
    t.is(p.expect, undefined);
  });
}

test('the structured form also returns the command it encoded; whole hex does not', (t) => {
  t.like(parseApduText('8058/0000').command, { cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' });
  t.like(parseApduText('84/00').command, { ins: 0x84, ne: 256 });
  t.is(parseApduText('84/00').command?.form, undefined, 'a 2-digit Le leaves the form automatic');
  t.is(parseApduText('00A40400').command, undefined);
});

test('a 2-digit Le with more than 255 data bytes gives Ne; the APDU is extended because of the data', (t) => {
  const data = seq(300);
  const hexData = Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
  assertBytes(t, parseApduText(`00D70000:${hexData}/00`).bytes, apdu`00 D7 00 00 | 00 01 2C | ${data} | 01 00`);
});

// --- expectations -----------------------------------------------------------------------------------
test('=SW expectations with wildcards', (t) => {
  const p = parseApduText('00 20 00 81 =63Cx');
  assertBytes(t, p.bytes, apdu`00 20 00 81`);
  t.deepEqual(p.expect, { text: '63CX', value: 0x63c0, mask: 0xfff0 });
  t.deepEqual(parseApduText('84/08=9000').expect, { text: '9000', value: 0x9000, mask: 0xffff });
  t.deepEqual(parseApduText('84/08 = 90 00').expect, { text: '9000', value: 0x9000, mask: 0xffff });
  t.deepEqual(parseApduText('00:A4:04:00=61XX').expect, { text: '61XX', value: 0x6100, mask: 0xff00 });
  t.deepEqual(parseSwPattern('6.8.'), { text: '6.8.', value: 0x6080, mask: 0xf0f0 });
});

test('swMatches: pattern nibbles, and 9000/61xx without a pattern', (t) => {
  const p = parseSwPattern('63Cx');
  t.true(swMatches(0x63c0, p));
  t.true(swMatches(0x63c9, p));
  t.false(swMatches(0x63b9, p));
  t.false(swMatches(0x6983, p));
  t.true(swMatches(0x9000));
  t.true(swMatches(0x6110));
  t.false(swMatches(0x6282));
  t.false(swMatches(0x6a82));
  t.true(swMatches(0x6a82, parseSwPattern('6a82')));
});

// --- ambiguity rules and errors ---------------------------------------------------------------------
test('exactly one colon is HEADER:DATA, even when it looks like a 2-byte hexdump', (t) => {
  assertBytes(t, parseApduText('00:A4').bytes, apdu`00 00 00 00 | 01 | A4`);
  assertBytes(t, parseApduText('A4:E82B').bytes, apdu`00 A4 00 00 | 02 | E8 2B`);
});

const errors: ReadonlyArray<readonly [string, RegExp]> = [
  ['', /empty APDU/],
  ['   ', /empty APDU/],
  ['=9000', /empty APDU/],
  ['0', /odd number of hex digits/],
  ['00A4 0G', /unexpected character "G"/],
  ['00:A4:04', /hexdump APDU needs at least 4 bytes/],
  ['A4:E8:2B', /hexdump APDU needs at least 4 bytes/],
  ['00A40400:E8:2B:06', /a hexdump has one byte between colons; in HEADER:DATA the data may not contain ':'/],
  ['00:A4:04:00/00', /only one ':' \(between header and data\)/],
  ['00A40400:E8:2B/00', /only one ':'/],
  ['00A404000B:E82B', /header must be INS, CLA INS, INS P1P2 or CLA INS P1P2 \(1–4 bytes\), got 5 bytes/],
  [':AABB', /header .* got 0 bytes/],
  ['/00', /header .* got 0 bytes/],
  ['84/', /Le must be 2 \(short\) or 4 \(extended\) hex digits, got ""/],
  ['84/000', /Le must be 2 .* got "000"/],
  ['84/0G', /Le must be 2 .* got "0G"/],
  ['84/00:AA', /Le must be 2 .* got "00:AA"/],
  ['84/08=90', /status word expectation must be 4 hex digits/],
  ['84/08=9G00', /status word expectation must be 4 hex digits/],
  ['84/08=90000', /status word expectation must be 4 hex digits/],
  ['84=9000=6A82', /unexpected character "="/],
  ['00A40400:ZZ', /unexpected character "Z"/],
];

for (const [text, message] of errors) {
  test(`mini-language error for ${JSON.stringify(text)}`, (t) => {
    const err = t.throws(() => parseApduText(text), { instanceOf: ScriptError, message });
    t.is(err?.code, 'ERR_SCHSM_SCRIPT');
    t.is(err?.line, undefined);
  });
}

test('an encoder error is reported as a ScriptError naming the (shortened) input', (t) => {
  const hugeData = '00'.repeat(65536);
  const err = t.throws(() => parseApduText(`00D70000:${hugeData}`), { instanceOf: ScriptError, message: /65536 bytes exceeds/ });
  t.true((err?.message.length ?? 0) < 250);
  t.regex(err?.message ?? '', /\(in "00D70000:000000/);
});

// --- scripts ----------------------------------------------------------------------------------------
const SCRIPT = [
  '# scriptor-compatible script for the SmartCard-HSM', //            1
  '', //                                                                2
  '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', //             3  SELECT (§11.1)
  'reset', //                                                           4
  '00 A4 04 00 0B \\', //                                               5  continued …
  '# a comment inside a continuation is skipped, as scriptor does', // 6
  '', //                                                                7
  '   E8 2B 06 01 04 01 81 C3 1F 02 01 \\', //                          8
  '00', //                                                              9  … ends here
  '80580000000000   # ENUMERATE, trailing comment', //                 10
  '00200081 =63Cx', //                                                 11
  '8058/0000 = 9000', //                                               12
  'RESET', //                                                          13
  'exit', //                                                           14
].join('\n');

test('a scriptor-compatible script: comments, reset, continuation, expectations, exit', (t) => {
  const steps = parseScript(SCRIPT, 'hsm.apdu');
  t.deepEqual(
    steps.map((s) => [s.kind, s.line]),
    [
      ['apdu', 3],
      ['reset', 4],
      ['apdu', 5],
      ['apdu', 10],
      ['apdu', 11],
      ['apdu', 12],
      ['reset', 13],
      ['exit', 14],
    ],
  );
  const bytesOf = (i: number): Uint8Array => {
    const s = steps[i];
    return s?.kind === 'apdu' ? s.apdu.bytes : new Uint8Array(0);
  };
  const select = apdu`00 A4 04 00 | 0B | ${AID} | 00`;
  assertBytes(t, bytesOf(0), select);
  assertBytes(t, bytesOf(2), select, 'continued statement');
  assertBytes(t, bytesOf(3), apdu`80 58 00 00 | 00 00 00`);
  assertBytes(t, bytesOf(4), apdu`00 20 00 81`);
  const verify = steps[4];
  t.is(verify?.kind === 'apdu' ? verify.apdu.expect?.text : undefined, '63CX');
  const enumerate = steps[5];
  t.is(enumerate?.kind === 'apdu' ? enumerate.source : undefined, '8058/0000 = 9000');
});

test('CRLF line endings and quit', (t) => {
  const steps = parseScript('84/08\r\n# c\r\nquit\r\n');
  t.deepEqual(
    steps.map((s) => s.kind),
    ['apdu', 'exit'],
  );
});

test('script errors name the file and the line where the statement starts', (t) => {
  const err = t.throws(() => parseScript('84/08\n\n00A4 0G\n', 'x.apdu'), { instanceOf: ScriptError });
  t.is(err?.line, 3);
  t.is(err?.file, 'x.apdu');
  t.regex(err?.message ?? '', /^x\.apdu:3: not hex: unexpected character "G"/);
  const cont = t.throws(() => parseScript('# head\n00 A4 \\\n04 00 0B \\\n# x\nE8 ZZ'), { instanceOf: ScriptError });
  t.is(cont?.line, 2);
  t.regex(cont?.message ?? '', /^line 2: /);
  const le = t.throws(() => parseScript('84/08\n84/0'), { instanceOf: ScriptError, message: /^line 2: Le must be 2/ });
  t.is(le?.line, 2);
});

test('a file that ends inside a continued line is an error at the statement start', (t) => {
  const err = t.throws(() => parseScript('84\n00 A4 \\\n04 00 \\\n# end'), {
    instanceOf: ScriptError,
    message: /line 2: file ends inside a continued line/,
  });
  t.is(err?.line, 2);
});

test('an empty script or only comments gives no steps', (t) => {
  t.deepEqual(parseScript(''), []);
  t.deepEqual(parseScript('# a\n\n   # b\n'), []);
});
