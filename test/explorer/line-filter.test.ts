// Issue 9 finding 1: what an explorer line is kept as (history) or repeated as (the `# explore>`
// comments of --record traces, the `explore>` lines of the -v log, script errors' `in:` lines) is
// decided by one filter that looks at what the line COULD carry, not at what the parser accepted.
// On 13b3bf7 `keys wrap 1 x.wrapped --pin 648219` and `dkek import c1.pbe --password …` were stored
// and recorded verbatim, because the parser rejects those options before any secret policy ran.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyLine } from '../../src/explorer/history.ts';
import { COMMANDS } from '../../src/explorer/commands/index.ts';
import { explore, initialisedSim } from './helpers.ts';

const h = (line: string): string | undefined => historyLine(COMMANDS, line);

test('secret options are cut with their value on any line, whether the command knows them or not', (t) => {
  t.is(h('keys wrap 1 x.wrapped --pin 648219'), 'keys wrap 1 x.wrapped');
  t.is(h('keys wrap 1 x.wrapped --pin=648219 --force'), 'keys wrap 1 x.wrapped --force');
  t.is(h('dkek import c1.pbe --password Custodian-1-pass'), 'dkek import c1.pbe');
  t.is(h('dkek import c1.pbe --password-env Custodian-1-pass'), 'dkek import c1.pbe', 'even the variable name: it could be the value');
  t.is(h('keys list --so-pin 3537363231383830'), 'keys list');
  t.is(h('keys list --soPin 3537363231383830'), 'keys list', 'camelCase spelling');
  t.is(h('keys list --so_pin=3537363231383830'), 'keys list', 'underscore spelling');
  t.is(h('keys list --new-pin 654321'), 'keys list');
  t.is(h('keys list --share s1.pbe --shares-file shares.txt'), 'keys list');
  t.is(h('dkek import c1.pbe --pass Custodian-1-pass'), 'dkek import c1.pbe', 'an abbreviation of --password');
  t.is(h('dkek import c1.pbe --pa=Custodian-1-pass'), 'dkek import c1.pbe');
  t.is(h('dkek import c1.pbe -p Custodian-1-pass'), 'dkek import c1.pbe', 'a one-letter abbreviation');
  t.is(h('keys generate ec:prime256v1 --label signer'), 'keys generate ec:prime256v1 --label signer', 'other options stay');
});

test('PIN-shaped words after verify, change and unblock are cut wherever they stand; comments are dropped', (t) => {
  t.is(h('verify user --force 648219 # my PIN is 648219'), 'verify user --force');
  t.is(h('verify user -648219'), 'verify user', 'a PIN that looks like a negative number');
  t.is(h('verify user --pin 648219'), 'verify user');
  t.is(h('verify user --bogus-option 648219'), 'verify user', 'unknown options of a PIN command go too');
  t.is(h('unblock user 3537363231383830 654321 --force'), 'unblock user --force');
  t.is(h('echo verify 648219'), 'echo verify', 'a PIN word after a later `verify`');
  t.is(h('help change 648219 123456'), 'help change');
  t.is(h('pin verify 648219'), 'pin', '`pin` is pin_info: nothing after it is a PIN reference');
  t.is(h('ls # 648219'), 'ls', 'a comment may hold anything');
});

test('words beyond what a command takes are cut: a secret typed in the wrong place', (t) => {
  t.is(h('dkek import c1.pbe Custodian-1-pass'), 'dkek import c1.pbe');
  t.is(h('keys wrap 1 x.wrapped 648219'), 'keys wrap 1 x.wrapped');
  t.is(h('keys unwrap 1 x.wrapped 648219 --replace'), 'keys unwrap 1 x.wrapped --replace');
});

test('apdu lines: a secret instruction or an unreadable APDU keeps the line out; others are kept', (t) => {
  t.is(h('apdu 00 20 00 81 36 34 38 32 31 39'), undefined, 'VERIFY without Lc: malformed, still a VERIFY');
  t.is(h('apdu 20:363438323139'), undefined, 'structured form, INS 20');
  t.is(h('apdu 80 50 00 00 02 AA BB'), undefined, 'INITIALIZE DEVICE');
  t.is(h('apdu 00 2O 00 81 06 363438323139'), undefined, 'a typo that does not parse');
  t.is(h('apdu 00 84 00 00 08'), 'apdu 00 84 00 00 08');
});

test('script mode: the trace comments, the -v log and the error lines carry no secret of lines the parser rejects', async (t) => {
  const sim = await initialisedSim();
  const pin = '648219';
  const password = 'Custodian-1-pass';
  const script = [
    `keys wrap 1 x.wrapped --pin ${pin}`,
    `dkek import c1.pbe --password ${password}`,
    `dkek import c1.pbe ${password}`,
    'echo done',
  ];
  const r = await explore(sim, script, { keepGoing: true, debugLevel: 1, record: { file: 'session.trace', force: false, redact: true } });
  t.is(r.code, 1, 'the three rejected lines fail');
  const trace = readFileSync(path.join(r.cwd, 'session.trace'), 'utf8');
  for (const [where, text] of [
    ['trace', trace],
    ['stderr', r.stderr],
    ['stdout', r.stdout],
  ] as const) {
    t.false(text.includes(pin), `${where} shows the PIN`);
    t.false(text.includes(password), `${where} shows the password`);
  }
  t.regex(trace, /^# explore> keys wrap 1 x\.wrapped$/m);
  t.regex(trace, /^# explore> dkek import c1\.pbe$/m);
  t.regex(r.stderr, /^explore> keys wrap 1 x\.wrapped$/m, 'the -v log names the line, cut the same way');
  t.regex(r.stderr, /^in: dkek import c1\.pbe$/m, 'the error line repeats the cut line');
});
