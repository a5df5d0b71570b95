import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { formatTrace } from '../../src/trace/format.ts';
import { detectLogFormat, importLog, importLogUnredacted } from '../../src/trace/import/index.ts';
import { formatPattern } from '../../src/trace/pattern.ts';
import { exchangesOf, type Trace, type TraceExchange } from '../../src/trace/types.ts';

const DIR = '/work/shared/traces/opensc-vs-independent-card/';
const read = (f: string): string => readFileSync(DIR + f, 'utf8');

// Copied from the logs (independently of the importer; lines as `grep -n` counts them — two logs hold
// a bare CR inside a line): step, exchanges, [first =>, first <=] and [last =>, last <=] source lines of the OpenSC log, last command, last response. Every log starts
// with OpenSC's CoolKey probe 00 A4 04 00 07 62 76 01 FF 00 00 00 → 6A 82. Secrets shown as ..
type Row = [string, number, [number, number], [number, number], string, string];
const LOGS: readonly Row[] = [
  [
    '03-card-name',
    3,
    [329, 334],
    [385, 391],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 00 FF 06 06 90 00',
  ],
  ['04-status-uninitialized', 5, [329, 334], [452, 457], '80 52 00 00 00', '6B 00'],
  [
    '05-initialize',
    4,
    [329, 334],
    [427, 434],
    '80 50 00 00 1C .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. ..',
    '90 00',
  ],
  ['06-status-after-init', 6, [329, 334], [477, 482], '80 52 00 00 00', '01 01 00 00 00 00 00 00 00 00 90 00'],
  ['07-create-dkek-share', 5, [329, 334], [457, 462], '00 84 00 00 20', `${'.. '.repeat(32)}90 00`],
  ['08-import-dkek-share', 4, [329, 334], [427, 434], `80 52 00 00 20 ${'.. '.repeat(32)}00`, '01 00 00 00 00 00 00 00 00 00 90 00'],
  ['09-status-after-dkek-import', 6, [329, 334], [477, 482], '80 52 00 00 00', '01 00 00 00 00 00 00 00 00 00 90 00'],
  ['10-pkcs11-list-slots', 23, [366, 371], [1806, 1811], '00 20 00 81', '63 C3'],
  [
    '11-login-commits-dkek',
    25,
    [366, 371],
    [1797, 1803],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  ['13-kcv-with-pin-raw', 6, [329, 334], [479, 484], '80 52 00 00 00', '01 00 6C 60 98 24 B9 CA 28 EB 90 00'],
  [
    '14-keygen-rsa2048',
    36,
    [366, 371],
    [2742, 2748],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  [
    '15-keygen-ec-p256',
    43,
    [366, 371],
    [3314, 3320],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  [
    '16-list-objects',
    40,
    [366, 371],
    [3167, 3173],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  ['17-pkcs15-dump', 35, [329, 334], [2003, 2008], '00 B1 00 00 04 54 02 02 A4 00', '90 00'],
  [
    '18-sign-rsa-sha256-pkcs',
    42,
    [366, 371],
    [2984, 2990],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  [
    '19-sign-ecdsa-sha256',
    42,
    [366, 371],
    [2960, 2966],
    '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
  ],
  ['20-read-pubkeys', 74, [366, 371], [4914, 4919], '00 B1 00 00 04 54 02 02 A4 00', '90 00'],
];

const SECRETS: readonly [string, string][] = [
  ['user PIN 648219', '363438323139'],
  ['SO-PIN', '3537363231383830'],
  ['peer DKEK share', '2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35'],
];

const cmd = (e: TraceExchange | undefined): string => (e === undefined ? '' : formatPattern(e.command));
const resp = (e: TraceExchange | undefined): string => (e === undefined ? '' : formatPattern(e.response));

function assertNoSecrets(t: import('ava').ExecutionContext, trace: Trace, what: string): void {
  const text = formatTrace(trace).replace(/[ \t]/g, '').toUpperCase();
  for (const [name, hex] of SECRETS) {
    t.false(text.includes(hex), `${name} in the text of ${what}`);
    t.false(text.includes(hex.slice(0, 16)), `first 8 bytes of ${name} in the text of ${what}`);
    const needle = Buffer.from(hex.slice(0, 12), 'hex');
    for (const e of exchangesOf(trace)) {
      t.is(Buffer.from(e.command.bytes).indexOf(needle), -1, `${name} in a command of ${what} (line ${e.line})`);
      t.is(Buffer.from(e.response.bytes).indexOf(needle), -1, `${name} in a response of ${what} (line ${e.line})`);
    }
  }
}

test('the table covers every OpenSC log of ../shared/traces', (t) => {
  const logs = readdirSync(DIR)
    .filter((f) => f.endsWith('.opensc.log'))
    .map((f) => f.replace('.opensc.log', ''));
  t.deepEqual(logs.sort(), LOGS.map((r) => r[0]).sort());
});

for (const [step, count, first, last, lastCommand, lastResponse] of LOGS) {
  test(`${step}: OpenSC log and pcsc-spy log import to the same ${count} exchanges, first and last as in the log, no secrets`, (t) => {
    const opensc = importLog(read(`${step}.opensc.log`), { file: `${step}.opensc.log` });
    const spy = importLog(read(`${step}.spy.log`), { file: `${step}.spy.log` });
    t.is(detectLogFormat(read(`${step}.opensc.log`)), 'opensc');
    t.is(detectLogFormat(read(`${step}.spy.log`)), 'pcsc-spy');
    const a = exchangesOf(opensc);
    const b = exchangesOf(spy);
    t.is(a.length, count);
    t.is(b.length, count);
    t.deepEqual(
      a.map((e) => [cmd(e), resp(e)]),
      b.map((e) => [cmd(e), resp(e)]),
      'same bytes in the same order',
    );
    t.is(cmd(a[0]), '00 A4 04 00 07 62 76 01 FF 00 00 00');
    t.is(resp(a[0]), '6A 82');
    t.deepEqual([a[0]?.line, a[0]?.responseLine], first);
    t.deepEqual([a[count - 1]?.line, a[count - 1]?.responseLine], last);
    t.is(cmd(a[count - 1]), lastCommand.trim());
    t.is(resp(a[count - 1]), lastResponse.trim());
    for (const tr of [opensc, spy]) {
      t.is(tr.metadata.reader, 'Virtual PCD 00 01');
      t.is(tr.metadata.atr, '3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA');
      t.is(tr.metadata.protocol, 'T=1');
      t.regex(tr.metadata.redacted ?? '', /^PINs/);
    }
    assertNoSecrets(t, opensc, `${step}.opensc.log`);
    assertNoSecrets(t, spy, `${step}.spy.log`);
  });
}

test('the secret check is not vacuous: without redaction the logs do hold the PIN, SO-PIN and share', (t) => {
  const all = ['05-initialize', '07-create-dkek-share', '08-import-dkek-share', '11-login-commits-dkek']
    .map((s) => formatTrace(importLogUnredacted(read(`${s}.opensc.log`))).replace(/\s/g, ''))
    .join('|');
  for (const [name, hex] of SECRETS) t.true(all.includes(hex), name);
});

test('pcsc-spy: timing from the result line, source lines of the call and of the response dump', (t) => {
  const [first] = exchangesOf(importLog(read('03-card-name.spy.log')));
  t.is(first?.durationMs, 1.438); // "[0.001438]"
  t.deepEqual([first?.line, first?.responseLine], [138, 149]);
});

test('pcsc-spy: two interleaved printer threads (two pkcs11-tool runs) are separated and put one after the other', (t) => {
  const trace = importLog(read('20-read-pubkeys.spy.log'));
  const ex = exchangesOf(trace);
  t.is(ex.length, 74);
  t.deepEqual(ex[0]?.comments, ['pcsc-spy thread 1 of 2 (the log does not keep the order between threads)']);
  t.deepEqual(ex[37]?.comments, ['pcsc-spy thread 2 of 2 (the log does not keep the order between threads)']);
  // Thread 2's SELECT applet FCP is split over physical lines 1170-1186, mixed with thread 1's text.
  t.is(cmd(ex[37]), '00 A4 04 00 07 62 76 01 FF 00 00 00');
});

test('OpenSC: a log with two processes notes the second one', (t) => {
  const ex = exchangesOf(importLog(read('20-read-pubkeys.opensc.log')));
  // pid 17754 (the first pkcs11-tool run, 06:44:49.539) comes first in the file, then 17752 (06:44:49.606)
  t.deepEqual(ex[37]?.comments, ['OpenSC process 17752 [opensc-pkcs11] starts (the log holds several processes)']);
  t.is(cmd(ex[37]), '00 A4 04 00 07 62 76 01 FF 00 00 00');
});
