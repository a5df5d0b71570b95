import test from 'ava';
import { formatTrace, parseTrace } from '../../src/trace/format.ts';
import { TraceParseError } from '../../src/trace/errors.ts';
import { formatPattern } from '../../src/trace/pattern.ts';
import { exchangeRecord, makeTrace, resetRecord, type TraceExchange, type TraceReset } from '../../src/trace/types.ts';
import { parsePattern } from '../../src/trace/pattern.ts';

// A canonical trace: parse → format must give back these exact characters.
const CANONICAL = [
  '# schsm APDU trace', //                                                   1
  '# trace-format: 1', //                                                    2
  '# reader: Virtual PCD 00 01', //                                          3
  '# atr: 3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA', // 4
  '', //                                                                     5
  '=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', //                6
  '<= 62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 00 FF 06 06 90 00 @0.655ms', // 7
  '=> 00 20 00 81 06 .. .. .. .. .. ..  # redacted: PIN (VERIFY)', //        8
  '<= 90 00', //                                                             9
  '', //                                                                     10
  '# sign with key 1; the signature varies', //                              11
  '=> 80 68 01 73 00 00 20 * 02 00', //                                      12
  '<= * 90 00 @12.000ms  # DER signature', //                                13
  'reset 3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA', // 14
  '=> 00 84 00 00 08', //                                                    15
  '<= .. .. .. .. .. .. .. .. 90 00', //                                     16
  '', //                                                                     17
  '# end of session', //                                                     18
  '',
].join('\n');

test('canonical text parses with source line numbers and formats back to the same characters', (t) => {
  const trace = parseTrace(CANONICAL);
  t.is(formatTrace(trace), CANONICAL);
  t.deepEqual(
    trace.records.map((r) => [r.kind, r.line, r.kind === 'exchange' ? r.responseLine : 0]),
    [
      ['exchange', 6, 7],
      ['exchange', 8, 9],
      ['exchange', 12, 13],
      ['reset', 14, 0],
      ['exchange', 15, 16],
    ],
  );
  const [select, verify, sign, reset, challenge] = trace.records as [
    TraceExchange,
    TraceExchange,
    TraceExchange,
    TraceReset,
    TraceExchange,
  ];
  t.is(select.durationMs, 0.655);
  t.is(verify.note, 'redacted: PIN (VERIFY)');
  t.deepEqual([...(verify.command.masked ?? [])], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  t.deepEqual(sign.comments, ['sign with key 1; the signature varies']);
  t.deepEqual(sign.command.stars, [7]);
  t.deepEqual(sign.response.stars, [0]);
  t.is(sign.durationMs, 12);
  t.is(sign.responseNote, 'DER signature');
  t.is(reset.atr?.length, 24);
  t.is(challenge.response.bytes.length, 10);
  t.deepEqual(trace.trailer, ['end of session']);
});

test('header comments carry metadata; later key: value comments do not', (t) => {
  const trace = parseTrace('# Reader: one\n# plain words\n# Reader: two\n# date: 2026-01-01\n\n# atr: 3B 00\n=> 00 A4 00 00\n<= 90 00\n');
  t.deepEqual(trace.metadata, { reader: 'one; two', date: '2026-01-01' });
  t.deepEqual(trace.header, ['Reader: one', 'plain words', 'Reader: two', 'date: 2026-01-01']);
  t.deepEqual(trace.records[0]?.comments, ['atr: 3B 00']);
});

test('blanks, tabs, CRLF, lower case and unspaced hex are all accepted', (t) => {
  const trace = parseTrace('\t=>00a4040c  02 2f02 \r\n   <=\t9000\r\n=> 00 B1 00 00 04 5402 0000 00\r\n<= 6282 @ 1.5 ms\r\n');
  t.deepEqual(
    trace.records.map((r) => (r.kind === 'exchange' ? [formatPattern(r.command), formatPattern(r.response), r.durationMs] : [])),
    [
      ['00 A4 04 0C 02 2F 02', '90 00', undefined],
      ['00 B1 00 00 04 54 02 00 00 00', '62 82', 1.5],
    ],
  );
});

test('timing units: ms, us, µs and s all read as milliseconds', (t) => {
  const trace = parseTrace(
    '=> 00 84 00 00 08\n<= .. .. .. .. .. .. .. .. 90 00 @250us\n=> 00 84 00 00 08\n<= .. .. .. .. .. .. .. .. 90 00 @0.002s\n=> 00 84 00 00 08\n<= .. .. .. .. .. .. .. .. 90 00 @ 500 µs\n',
  );
  t.deepEqual(
    trace.records.map((r) => (r.kind === 'exchange' ? r.durationMs : -1)),
    [0.25, 2, 0.5],
  );
});

// Every error names the real line of the text (not a position computed from the exchange count).
const ERRORS: readonly [string, string, number, RegExp][] = [
  ['half a byte', '# h\n\n=> 00 A4 04 00\n<= 90 00\n\n=> 00 A4 0\n<= 90 00\n', 6, /half a byte/],
  ['single dot', '=> 00 A4 04 00\n<= . 90 00\n', 2, /single "\."/],
  ['stray character', '=> 00 A4 04 00 GG\n<= 90 00\n', 1, /unexpected character "G"/],
  ['response without command', '# c\n<= 90 00\n', 2, /without a command/],
  ['command after command', '=> 00 A4 04 00\n# x\n=> 00 B0 00 00\n<= 90 00\n', 3, /line 1 has no response/],
  ['command at the end', '=> 00 A4 04 00\n<= 90 00\n=> 00 A4 04 00\n\n', 3, /no response \(<=\) before the end/],
  ['reset after command', '=> 00 A4 04 00\nreset\n', 2, /a reset follows/],
  ['unknown line', '=> 00 A4 04 00\n<= 90 00\nsend 00 A4\n', 3, /unexpected line: expected "=> command"/],
  ['short command', '=> 00 A4 04\n<= 90 00\n', 1, /at least the 4 header bytes/],
  ['response without SW', '=> 00 A4 04 00\n<= 90\n', 2, /SW1 SW2/],
  ['SW hidden behind a star', '=> 00 A4 04 00\n<= 90 00 *\n', 2, /SW1 SW2/],
  ['bad timing', '=> 00 A4 04 00\n<= 90 00 @fast\n', 2, /timing must look like/],
  ['masked ATR', 'reset 3B ..\n', 1, /plain hex/],
  ['future format', '# trace-format: 2\n', 1, /unsupported trace-format "2"/],
  ['timing on a command', '=> 00 A4 04 00 @1.000ms\n<= 90 00\n', 1, /belongs on the response line/],
];

for (const [name, text, line, message] of ERRORS) {
  test(`parse error names its line: ${name}`, (t) => {
    const error = t.throws(() => parseTrace(text, { file: 'x.trace' }), { instanceOf: TraceParseError });
    t.is(error?.line, line);
    t.is(error?.code, 'ERR_SCHSM_TRACE_PARSE');
    t.regex(error?.message ?? '', message);
    t.true(error?.message.startsWith(`x.trace:${line}: `));
  });
}

test('line numbers stay right with comments, blank lines and notes between exchanges', (t) => {
  const lines = [
    '# h',
    '',
    '=> 00 A4 04 00',
    '',
    '# wait',
    '',
    '<= 90 00',
    '=> 00 B0 00 00 00',
    '<= 90 00',
    '# x',
    '',
    '',
    '=> 00 B0 00 00 00',
    '<= 6B 00',
  ];
  const trace = parseTrace(lines.join('\n'));
  t.deepEqual(
    trace.records.map((r) => (r.kind === 'exchange' ? [r.line, r.responseLine] : [])),
    [
      [3, 7],
      [8, 9],
      [13, 14],
    ],
  );
  t.is(lines[12], '=> 00 B0 00 00 00');
});

test('a built trace without header survives format → parse (comments do not turn into a header)', (t) => {
  const trace = makeTrace({
    header: [],
    records: [
      exchangeRecord({
        command: parsePattern('00 A4 04 00 02 .. ..'),
        response: parsePattern('* 90 00'),
        comments: ['first'],
        note: 'n',
        durationMs: 1,
      }),
      resetRecord({ comments: ['power cycle'] }),
      exchangeRecord({ command: parsePattern('80 58 00 00 00 00 00'), response: parsePattern('CC 00 90 00') }),
    ],
    trailer: ['bye'],
  });
  const text = formatTrace(trace);
  t.is(
    text,
    '\n# first\n=> 00 A4 04 00 02 .. ..  # n\n<= * 90 00 @1.000ms\n\n# power cycle\nreset\n=> 80 58 00 00 00 00 00\n<= CC 00 90 00\n\n# bye\n',
  );
  const back = parseTrace(text);
  t.deepEqual(back.header, []);
  t.is(formatTrace(back), text);
  t.deepEqual(
    back.records.map((r) => r.comments),
    [['first'], ['power cycle'], undefined],
  );
});
