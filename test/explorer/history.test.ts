// The persistent history never holds a PIN, SO-PIN, password or share: what is kept, what is cut,
// what is dropped; and where the file lives and with which modes.
import test from 'ava';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  appendHistory,
  defaultHistoryFile,
  HISTORY_MAX,
  historyLine,
  loadHistory,
  stateDir,
  trimHistory,
} from '../../src/explorer/history.ts';
import { COMMANDS } from '../../src/explorer/commands/index.ts';

const h = (line: string): string | undefined => historyLine(COMMANDS, line);

test('PIN words are cut from verify, change and unblock (the rest of the line is kept)', (t) => {
  t.is(h('verify user 648219'), 'verify user');
  t.is(h('verify CHV129 "648219"'), 'verify CHV129');
  t.is(h('ve user 36:34:38:32:31:39 --force'), 've user --force');
  t.is(h('verify user --force 648219'), 'verify user --force');
  t.is(h('change user 648219 123456'), 'change user');
  t.is(h('change so 3537363231383830 0011223344556677'), 'change so');
  t.is(h('unblock user 3537363231383830 654321'), 'unblock user');
  t.is(h('verify user'), 'verify user');
});

test('a PIN typed where the PIN reference belongs is cut too', (t) => {
  t.is(h('verify 648219'), 'verify');
  t.is(h('pin_info 648219'), 'pin_info');
  t.is(h('pin_info so'), 'pin_info so');
  t.is(h('verify 129 648219'), 'verify 129');
});

test('an apdu line carrying a PIN or a DKEK share is not kept at all; a harmless one is', (t) => {
  t.is(h('apdu 0020008106363438323139'), undefined);
  t.is(h('apdu 00 24 00 81 0C 363438323139 313233343536'), undefined);
  t.is(h(`apdu 8052000020${'11'.repeat(32)}00`), undefined);
  t.is(h('apdu 00 20 00 81'), 'apdu 00 20 00 81');
  t.is(h('apdu 84/08'), 'apdu 84/08');
  t.is(h('apdu not-hex'), undefined);
});

test('unknown or ambiguous commands and broken lines are not kept (a typo may hide a PIN)', (t) => {
  t.is(h('verfy user 648219'), undefined);
  t.is(h('c 648219'), undefined);
  t.is(h('echo "unterminated'), undefined);
  t.is(h('   '), undefined);
  t.is(h('# comment'), undefined);
  t.is(h('ls  CC*'), 'ls  CC*');
  t.is(h('keys generate ec:prime256v1 --label "my key"'), 'keys generate ec:prime256v1 --label "my key"');
});

test('history file: XDG_STATE_HOME, else ~/.local/state; directory 0700, file 0600; newest first', (t) => {
  t.is(defaultHistoryFile({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' }), '/x/state/schsm/history');
  t.is(defaultHistoryFile({ HOME: '/home/u' }), '/home/u/.local/state/schsm/history');
  t.is(
    stateDir({ XDG_STATE_HOME: 'relative', HOME: '/home/u' }),
    '/home/u/.local/state/schsm',
    'a relative XDG_STATE_HOME is ignored (XDG spec)',
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-hist-'));
  const file = path.join(dir, 'deep', 'schsm', 'history');
  appendHistory(file, 'ls');
  appendHistory(file, 'verify user');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(path.dirname(file)).mode & 0o777, 0o700);
  t.deepEqual(loadHistory(file), ['verify user', 'ls']);
  t.is(readFileSync(file, 'utf8'), 'ls\nverify user\n');
  t.deepEqual(loadHistory(path.join(dir, 'missing')), []);
});

test('trimHistory keeps the newest lines', (t) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-hist-')), 'history');
  writeFileSync(file, `${Array.from({ length: HISTORY_MAX + 5 }, (_, i) => `echo ${i}`).join('\n')}\n`);
  trimHistory(file);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  t.is(lines.length, HISTORY_MAX);
  t.is(lines[0], 'echo 5');
  t.is(lines.at(-1), `echo ${HISTORY_MAX + 4}`);
});
