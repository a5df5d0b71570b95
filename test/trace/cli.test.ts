import test from 'ava';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { recordTransport } from '../../src/trace/record.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';

const LOGS = '/work/shared/traces/opensc-vs-independent-card/';
const dir = mkdtempSync(path.join(tmpdir(), 'schsm-trace-cli-'));

/** `schsm <argv>` with captured output; `open` supplies the card (default: none, so a card use fails the test). */
function run(argv: readonly string[], open?: () => Promise<Transport>): Promise<CliResult> {
  return runCliCaptured(argv, { cwd: dir, ...(open === undefined ? {} : { open }) });
}

test('trace import -o writes a redacted trace with mode 0600 and refuses to overwrite it', async (t) => {
  const r = await run(['trace', 'import', `${LOGS}05-initialize.opensc.log`, '-o', 'init.trace']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^4 exchange\(s\) from .*05-initialize\.opensc\.log \(OpenSC debug log\) written to init\.trace\n$/);
  const file = path.join(dir, 'init.trace');
  t.is(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  t.true(
    text.includes(
      '\n=> 80 50 00 00 1C .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. ..  # redacted: user PIN and SO-PIN (INITIALIZE DEVICE data)\n',
    ),
  );
  t.false(text.includes('36 34 38 32 31 39'));
  t.is(parseTrace(text).metadata['imported-from'], 'OpenSC debug log');

  const again = await run(['trace', 'import', `${LOGS}05-initialize.opensc.log`, '-o', 'init.trace']);
  t.is(again.code, 4);
  t.regex(again.stderr, /init\.trace already exists/);
  t.is(readFileSync(file, 'utf8'), text);
  const forced = await run(['trace', 'import', `${LOGS}03-card-name.spy.log`, '-o', 'init.trace', '--force']);
  t.is(forced.code, 0);
  t.regex(readFileSync(file, 'utf8'), /# imported-from: pcsc-spy output/);
});

test('trace import to stdout, --json summary, and --no-redact warns', async (t) => {
  const r = await run(['trace', 'import', `${LOGS}03-card-name.opensc.log`]);
  t.is(r.code, 0);
  t.true(r.stdout.startsWith('# trace-format: 1\n# imported-from: OpenSC debug log\n'));
  t.true(r.stdout.includes('\n=> 00 A4 04 00 07 62 76 01 FF 00 00 00\n<= 6A 82 @1.000ms\n'));
  const j = await run(['trace', 'import', `${LOGS}08-import-dkek-share.spy.log`, '--json']);
  t.like(JSON.parse(j.stdout), { importedFrom: 'pcsc-spy output', exchanges: 4, resets: 0 });
  const clear = await run(['trace', 'import', `${LOGS}08-import-dkek-share.spy.log`, '--no-redact']);
  t.regex(clear.stderr, /redaction is off/);
  t.true(clear.stdout.includes('2C 98 5A 67 91 C0 FC D6'));
});

test('trace import: unknown format and missing file are usage errors (exit 2)', async (t) => {
  writeFileSync(path.join(dir, 'notes.txt'), 'nothing to see\n');
  const r = await run(['trace', 'import', 'notes.txt']);
  t.is(r.code, 2);
  t.regex(r.stderr, /error: notes\.txt: not a log format schsm can import\nhint: formats: schsm, opensc, pcsc-spy, spy-raw, scriptor/);
  const missing = await run(['trace', 'import', 'nope.log']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /trace nope\.log: no such file/);
});

test('trace show: annotated text, and --json gives the structure', async (t) => {
  const r = await run(['trace', 'show', `${LOGS}09-status-after-dkek-import.opensc.log`]);
  t.is(r.code, 0);
  t.true(
    r.stdout.includes(
      '=> 80 52 00 00 00\n   IMPORT DKEK SHARE / MANAGE KEY DOMAIN · CLA 80: proprietary · P1 00: import share / query status · P2 00: key domain 0\n   case 2S · Le 00 (Ne 256)\n',
    ),
  );
  t.true(r.stdout.includes('   total shares: 1\n   outstanding shares: 0\n   key check value: 0000000000000000\n'));
  const j = await run(['trace', 'show', `${LOGS}09-status-after-dkek-import.opensc.log`, '--json']);
  const doc = JSON.parse(j.stdout) as {
    metadata: Record<string, string>;
    annotations: { kind: string; command: { name: string; lengths: { case: string } }; response: { sw: string } }[];
  };
  t.is(doc.metadata.reader, 'Virtual PCD 00 01');
  t.is(doc.annotations.length, 6);
  t.like(doc.annotations[5], {
    kind: 'exchange',
    command: { name: 'IMPORT DKEK SHARE / MANAGE KEY DOMAIN', lengths: { case: '2S' } },
    response: { sw: '9000' },
  });
});

test('trace diff: exit 0 when the sessions match, 1 with a report when they differ', async (t) => {
  const same = await run(['trace', 'diff', `${LOGS}13-kcv-with-pin-raw.opensc.log`, `${LOGS}13-kcv-with-pin-raw.spy.log`]);
  t.is(same.code, 0);
  t.is(same.stdout, 'traces match: 6 record(s) each, masks respected, timing ignored\n');
  const differ = await run(['trace', 'diff', `${LOGS}09-status-after-dkek-import.opensc.log`, `${LOGS}13-kcv-with-pin-raw.opensc.log`]);
  t.is(differ.code, 1);
  t.regex(differ.stdout, /^traces differ: /);
  t.regex(differ.stdout, /response data differs at byte 2: 00 ≠ 6C/); // the KCV appears once the PIN is verified
  const json = await run([
    'trace',
    'diff',
    `${LOGS}09-status-after-dkek-import.opensc.log`,
    `${LOGS}13-kcv-with-pin-raw.opensc.log`,
    '--json',
  ]);
  t.is(json.code, 1);
  t.false((JSON.parse(json.stdout) as { equal: boolean }).equal);
});

/** Record `schsm <argv>` against a fresh simulator into `file`. */
async function record(file: string, argv: readonly string[]): Promise<CliResult> {
  return run(argv, async () => recordTransport(await createSimulatorTransport(), { file: path.join(dir, file) }));
}

test('trace replay: a recorded command runs again without a card; GET CHALLENGE answers were masked, so zeros come back', async (t) => {
  const rec = await record('random.trace', ['random', '8']);
  t.is(rec.code, 0, rec.stderr);
  t.regex(rec.stdout, /^[0-9a-f]{16}\n$/);
  const r = await run(['trace', 'replay', 'random.trace', '--', 'random', '8']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '0000000000000000\n');
  t.regex(r.stderr, /replay: all \d+ recorded record\(s\) used\n$/);
});

test('trace replay: a command that differs fails with expected, actual and the trace line', async (t) => {
  await record('random8.trace', ['random', '8']);
  const lines = readFileSync(path.join(dir, 'random8.trace'), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith('=> 00 84 00 00 08')) + 1;
  const r = await run(['trace', 'replay', 'random8.trace', '--', 'random', '16']);
  t.is(r.code, 1);
  t.true(r.stderr.includes(`random8.trace:${line}: replay mismatch at record`), r.stderr);
  t.true(r.stderr.includes('  expected: 00 84 00 00 08\n  actual:   00 84 00 00 10\n'), r.stderr);
});

test('trace replay: recorded exchanges left over fail the run; no command is a usage error', async (t) => {
  await record('extra.trace', ['random', '8']);
  appendFileSync(path.join(dir, 'extra.trace'), '=> 00 84 00 00 08\n<= 01 02 03 04 05 06 07 08 90 00\n');
  const r = await run(['trace', 'replay', 'extra.trace', '--', 'random', '8']);
  t.is(r.code, 1);
  t.regex(r.stderr, /replay ended with 1 recorded record\(s\) unused; next: 00 84 00 00 08/);
  const none = await run(['trace', 'replay', 'extra.trace']);
  t.is(none.code, 2);
  t.regex(none.stderr, /name the schsm command to replay after --/);
});
