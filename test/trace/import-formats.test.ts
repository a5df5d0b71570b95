import test from 'ava';
import { readFileSync } from 'node:fs';
import { TraceImportError } from '../../src/trace/errors.ts';
import { formatTrace } from '../../src/trace/format.ts';
import { detectLogFormat, importLog } from '../../src/trace/import/index.ts';
import { formatPattern } from '../../src/trace/pattern.ts';
import { exchangesOf, type Trace } from '../../src/trace/types.ts';

// Real output captured with pcsc-tools 1.6.2 scriptor and OpenSC 0.23 opensc-tool -s, talking to a
// simulated card behind pcscd + vpcd (test/trace/logs/). The PIN 123456 in them is a test value.
const logs = new URL('./logs/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, logs), 'utf8');
const pairs = (t: Trace): string[][] => exchangesOf(t).map((e) => [formatPattern(e.command), formatPattern(e.response)]);
const SELECT_FCP = '62 17 82 01 38 84 0B E8 2B 06 01 04 01 81 C3 1F 02 01 85 05 00 00 00 03 05 90 00';

test('scriptor 1.6.2 output (real): exchanges, multi-line responses, RESET with its ATR, secrets masked', (t) => {
  const text = read('scriptor-1.6.2-file.out');
  t.is(detectLogFormat(text), 'scriptor');
  const trace = importLog(text, { file: 'scriptor.out' });
  t.deepEqual(pairs(trace), [
    ['00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', SELECT_FCP],
    ['00 20 00 81', '6A 88'],
    ['00 20 00 81 06 .. .. .. .. .. ..', '6A 88'],
    ['00 84 00 00 20', `${'.. '.repeat(32)}90 00`],
    ['00 B1 00 00 04 54 02 00 00 3C', '69 86'],
    ['80 58 00 00 00 00 00', '6E 00'],
  ]);
  const reset = trace.records[5];
  t.is(reset?.kind, 'reset');
  t.is(
    reset?.kind === 'reset' ? formatPattern({ bytes: reset.atr ?? new Uint8Array(0), masked: undefined, stars: undefined }) : '',
    '3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA',
  );
  t.is(trace.metadata.protocol, 'T=1');
  t.is(trace.metadata['imported-from'], 'scriptor output');
  t.deepEqual(
    trace.records.map((r) => r.line),
    [3, 7, 10, 13, 18, 22, 24],
  );
  t.false(formatTrace(trace).includes('31 32 33 34 35 36'));
});

test('opensc-tool -s output (real): data dump without SW plus the SW1/SW2 line', (t) => {
  const text = read('opensc-tool-0.23-send.out');
  t.is(detectLogFormat(text), 'opensc');
  const trace = importLog(text);
  t.deepEqual(pairs(trace), [
    ['00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', SELECT_FCP],
    ['00 20 00 81', '6A 88'],
    ['00 84 00 00 20', `${'.. '.repeat(32)}90 00`],
    ['00 B1 00 00 04 54 02 00 00 3C', '69 86'],
  ]);
  t.is(trace.metadata['imported-from'], 'opensc-tool / opensc-explorer APDU output');
});

// The pre-0.20 OpenSC dump format (inferred from the old sc_apdu_log; no real file at hand).
const OLD_OPENSC = [
  "0x7f6bb4e15740 12:00:00.120 [opensc-pkcs11] reader-pcsc.c:213:pcsc_transmit: reader 'Old Reader 00 00'",
  '0x7f6bb4e15740 12:00:00.121 [opensc-pkcs11] reader-pcsc.c:214:pcsc_transmit: ',
  'Outgoing APDU data [   11 bytes] =====================================',
  '00 20 00 81 06 36 34 38 32 31 39 . ...648219',
  '======================================================================',
  '0x7f6bb4e15740 12:00:00.125 [opensc-pkcs11] reader-pcsc.c:288:pcsc_transmit: ',
  'Incoming APDU data [    2 bytes] =====================================',
  '63 C2 c.',
  '======================================================================',
].join('\n');

test('old OpenSC "APDU data [ N bytes] ====" dumps, with timing from the line times', (t) => {
  t.is(detectLogFormat(OLD_OPENSC), 'opensc');
  const trace = importLog(OLD_OPENSC);
  t.deepEqual(pairs(trace), [['00 20 00 81 06 .. .. .. .. .. ..', '63 C2']]);
  t.is(exchangesOf(trace)[0]?.durationMs, 4);
  t.deepEqual([exchangesOf(trace)[0]?.line, exchangesOf(trace)[0]?.responseLine], [3, 7]);
  t.is(trace.metadata.reader, 'Old Reader 00 00');
});

test('OpenSC: a reset (sc_reset, pcsc_reconnect) between exchanges becomes one reset record', (t) => {
  const prefix = (time: string, where: string): string => `P:9; T:0x1 06:44:${time} [opensc-tool] ${where}`;
  const log = [
    prefix('10.000', 'reader-pcsc.c:326:pcsc_transmit: '),
    'Outgoing APDU (4 bytes):',
    '00 20 00 81 . ..',
    '',
    prefix('10.001', 'reader-pcsc.c:335:pcsc_transmit: '),
    'Incoming APDU (2 bytes):',
    '63 C3 c.',
    '',
    prefix('10.002', 'card.c:1520:sc_reset: called'),
    prefix('10.002', 'reader-pcsc.c:560:pcsc_reconnect: Reconnecting to the card...'),
    prefix('10.010', 'reader-pcsc.c:326:pcsc_transmit: '),
    'Outgoing APDU (4 bytes):',
    '00 20 00 81 . ..',
    '',
    prefix('10.011', 'reader-pcsc.c:335:pcsc_transmit: '),
    'Incoming APDU (2 bytes):',
    '63 C3 c.',
  ].join('\n');
  const trace = importLog(log);
  t.deepEqual(
    trace.records.map((r) => [r.kind, r.line]),
    [
      ['exchange', 2],
      ['reset', 9],
      ['exchange', 12],
    ],
  );
});

test('an OpenSC dump cut short is an error naming the line', (t) => {
  const e = t.throws(
    () =>
      importLog(
        'Outgoing APDU (20 bytes):\n00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 ......+.........\n\nP:1; T:1 12:00:00.000 [x] a.c:1:f: y\n',
        { file: 'cut.log' },
      ),
    { instanceOf: TraceImportError },
  );
  t.is(e?.line, 3);
  t.regex(e?.message ?? '', /^cut\.log:3: the APDU dump announced at line 1 \(20 bytes\) is cut short/);
});

// Real pcsc-spy 1.9.9 output in each of its modes (no -n: colours; -t: thread markers; -d: handles and
// times hidden), produced by running the installed pcsc-spy on a crafted raw spy stream
// (logs/pcsc-spy-raw-input.txt: two client threads, SCardReconnect with SCARD_RESET_CARD, SCardStatus,
// a failing SCardTransmit, SCardDisconnect with SCARD_UNPOWER_CARD).
const SPY_MODES = ['plain', 'colour', 'thread', 'diffable'] as const;

for (const mode of SPY_MODES) {
  test(`pcsc-spy 1.9.9 output (${mode}): threads, resets with the ATR from SCardStatus, failed transmits, secrets`, (t) => {
    const text = read(`pcsc-spy-1.9.9-${mode}.txt`);
    t.is(detectLogFormat(text), 'pcsc-spy');
    const trace = importLog(text);
    t.deepEqual(
      trace.records.map((r) =>
        r.kind === 'reset'
          ? ['reset', formatPattern({ bytes: r.atr ?? new Uint8Array(0), masked: undefined, stars: undefined })]
          : [formatPattern(r.command), formatPattern(r.response)],
      ),
      [
        [
          '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
          '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 00 FF 06 06 90 00',
        ],
        ['00 20 00 81 06 .. .. .. .. .. ..', '63 C2'],
        ['reset', '3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA'],
        ['00 84 00 00 08', '.. .. .. .. .. .. .. .. 90 00'],
        ['80 58 00 00 00 00 00', 'CC 00 C4 00 90 00'],
        ['00 20 00 81', '63 C2'],
      ],
    );
    const ex = exchangesOf(trace);
    t.is(ex[0]?.durationMs, mode === 'diffable' ? undefined : 0.137);
    t.deepEqual(ex[0]?.comments, ['pcsc-spy thread 1 of 2 (the log does not keep the order between threads)']);
    t.is(ex[3]?.comments?.length, 3);
    t.regex(
      ex[3]?.comments?.join('|') ?? '',
      /SCardTransmit at source line \d+ failed: Card was removed\. \(SCARD_W_REMOVED_CARD \[0x80100069\]\)/,
    );
    t.regex(ex[3]?.comments?.join('|') ?? '', /card reset at source line \d+ \(no exchange after it\)\|pcsc-spy thread 2 of 2/);
    t.like(trace.metadata, {
      reader: 'Reader One 00 00',
      protocol: 'T=1',
      atr: '3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA',
    });
    t.false(formatTrace(trace).includes('31 32 33 34 35 36'));
    t.false(formatTrace(trace).includes('11 22 33 44'));
  });
}

// pcsc-lite 2.x's pcsc-spy prints the result line without the pcsc_stringify_error() text:
// ` => SCARD_S_SUCCESS [0x00000000]  [0.046759]` where 1.9.9 prints
// ` => Command successful. (SCARD_S_SUCCESS [0x00000000])  [0.046759]` (the pcsc-lite 2.2 demo in
// Ludovic Rousseau's "PCSC API spy using LIBPCSCLITE_DELEGATE", 2024). Everything else is unchanged, so
// the 2.x form of the real 1.9.9 logs is those logs with the result lines rewritten.
const as2x = (text: string): string => text.replace(/=> [^()\n]*\((SCARD_\w+ \[0x[0-9A-F]{8}\])\)/g, '=> $1');

for (const mode of ['plain', 'thread'] as const) {
  test(`pcsc-spy 2.x result lines (${mode}): the same exchanges, timings and failures as 1.9.9`, (t) => {
    const old = read(`pcsc-spy-1.9.9-${mode}.txt`);
    const text = as2x(old);
    t.not(text, old, 'the rewrite changed the result lines');
    t.regex(text, /^ (\(t\d+\) {2})?=> SCARD_S_SUCCESS \[0x00000000\] {2}\[0\.000137\]$/m);
    t.is(detectLogFormat(text), 'pcsc-spy');
    const trace = importLog(text);
    const bytes = (tr: typeof trace): string[][] =>
      tr.records.map((r) => (r.kind === 'reset' ? ['reset'] : [formatPattern(r.command), formatPattern(r.response)]));
    t.deepEqual(bytes(trace), bytes(importLog(old)));
    t.is(bytes(trace).length, 6);
    const ex = exchangesOf(trace);
    t.is(ex[0]?.durationMs, 0.137);
    t.regex(ex[3]?.comments?.join('|') ?? '', /SCardTransmit at source line \d+ failed: SCARD_W_REMOVED_CARD \[0x80100069\]/);
    t.false(formatTrace(trace).includes('31 32 33 34 35 36'), 'the PIN is redacted');
  });
}

const spyTransmit = (cmd: string, resp: string): string[] => [
  'SCardTransmit',
  ' i hCard: 0x1',
  ' i bSendBuffer',
  ` i  0000 ${cmd.padEnd(47)} ${'.'.repeat(cmd.split(' ').length)}`,
  ' o bRecvBuffer',
  ` o  0000 ${resp.padEnd(47)} ${'.'.repeat(resp.split(' ').length)}`,
  ' => Command successful. (SCARD_S_SUCCESS [0x00000000])  [0.000100]',
];

test('pcsc-spy: a dump that disagrees with bSendLength is an import error', (t) => {
  const log = spyTransmit('00 A4 04 00', '90 00');
  log.splice(1, 0, ' i bSendLength 0x00000005 (5)');
  const e = t.throws(() => importLog(log.join('\n')), { instanceOf: TraceImportError });
  t.regex(e?.message ?? '', /bSendLength says 5 bytes, the dump holds 4/);
});

test("Ledger's RecordStore text reads as a schsm trace, and is redacted too", (t) => {
  const text = '=> e016000000\n<= 000000050107426974636f696e034254439000\n=> 0020008106313233343536\n<= 9000\n';
  t.is(detectLogFormat(text), 'schsm');
  t.deepEqual(pairs(importLog(text)), [
    ['E0 16 00 00 00', '00 00 00 05 01 07 42 69 74 63 6F 69 6E 03 42 54 43 90 00'],
    ['00 20 00 81 06 .. .. .. .. .. ..', '90 00'],
  ]);
});

test('text in no known format is refused with the list of formats', (t) => {
  t.is(detectLogFormat('hello\nworld\n'), undefined);
  const e = t.throws(() => importLog('hello\nworld\n', { file: 'x.txt' }), { instanceOf: TraceImportError });
  t.regex(e?.hint ?? '', /OpenSC debug log, pcsc-spy output, scriptor output/);
  t.is(e?.code, 'ERR_SCHSM_TRACE_PARSE');
});
