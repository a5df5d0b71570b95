// Issue 9 finding 6: an error about a file that failed to parse — a simulator state file (it holds
// PINs, DKEK and keys), a threshold share printout, a trace — never prints the file's content. On
// 13b3bf7 an encrypted (or otherwise non-JSON) state file gave `is not valid JSON (Unexpected token
// 'S', "Salted__f"... is not valid JSON)`, quoting its first bytes.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { parsePasswordShareText } from '../../src/card/formats/threshold-text.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { tempDir } from '../explorer/helpers.ts';
import { runCliCaptured } from '../helpers/cli.ts';

/** Content that must not come back in any message (distinctive, 8+ characters per piece). */
const SECRET = 'fQ7zK2wX9pLm';

const contents: ReadonlyArray<readonly [string, string]> = [
  ['encrypted (openssl enc)', `Salted__${SECRET}\u0001\u0002${SECRET}`],
  ['not JSON', `userPin=${SECRET}\n`],
  ['JSON, wrong version', JSON.stringify({ format: 'schsm-sim-state', version: SECRET })],
  ['JSON, wrong key name', JSON.stringify({ format: 'schsm-sim-state', version: 1, serial: 'UTSM0000001', keys: { [SECRET]: {} } })],
];

test('schsm status on an unreadable state file: exit 2 naming the file, its content never printed', async (t) => {
  const dir = tempDir('schsm-badstate-');
  for (const [what, text] of contents) {
    const file = path.join(dir, `${what.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text, { mode: 0o600 });
    const r = await runCliCaptured(['status', '--sim-state', file, '-v'], { open: openDefaultTransport });
    t.not(r.code, 0, what);
    t.regex(r.stderr, new RegExp(`error: simulator state file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `), what);
    t.false(r.stderr.includes(SECRET), `${what}: ${r.stderr}`);
    t.false(r.stdout.includes(SECRET), what);
  }
});

test('a threshold share printout with a bad value or ID: the error says where, not what', (t) => {
  const bad = [
    `Prime       : f5:63:87:25:4b:a5:5f:f3\nShare ID    : 1\nShare value : 1c:${SECRET}`,
    `Prime       : f5:63:87:25:4b:a5:5f:f3\nShare ID    : ${SECRET}\nShare value : 1c:9a`,
  ];
  for (const text of bad) {
    const e = t.throws(() => parsePasswordShareText(text));
    t.false(e?.message.includes(SECRET) ?? true, e?.message);
    t.false(e?.message.includes(SECRET.slice(0, 4)) ?? true, 'not even part of it');
  }
});

test('a trace line that is none: line number, never the line (a --no-redact trace holds PINs)', (t) => {
  const e = t.throws(() => parseTrace(`=> 00 A4 04 00\n<= 90 00\nVERIFY ${SECRET}\n`, { file: 'x.trace' }));
  t.regex(e?.message ?? '', /x\.trace:3/);
  t.false(e?.message.includes(SECRET) ?? true, e?.message);
});
