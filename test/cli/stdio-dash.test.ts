/**
 * Issue 11 item 6: `-` is stdin or stdout wherever a file is read or written; stdin is bounded like a
 * file and read once; with an output on stdout the command's report (and --json document) goes to stderr.
 */
import test from 'ava';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { newSim, PEER_SHARE, runOn, setupCard, SO_PIN, tempDir, USER_PIN } from './ops/helpers.ts';

const env = { P: USER_PIN };

async function card() {
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  return (argv: string[], o: Parameters<typeof runOn>[2] = {}) => runOn(sim, argv, { env, cwd: dir, ...o });
}

test('data put - reads stdin; data get --out - writes the raw bytes on stdout, the report on stderr', async (t) => {
  const run = await card();
  const content = 'line one\nbinary \u00e9\n';
  const put = await run(['data', 'put', '-', '--label', 'piped', '--no-private', '--pin-env', 'P'], { stdin: content });
  t.is(put.code, EXIT.OK, put.stderr);
  t.is(put.stdout, `stored ${Buffer.byteLength(content)} bytes as public data object "piped" (CF00, C900)\n`);
  const get = await run(['data', 'get', '--label', 'piped', '--out', '-']);
  t.is(get.code, EXIT.OK, get.stderr);
  t.is(get.stdoutBytes.toString('utf8'), content);
  t.is(get.stdout, '', 'nothing but the bytes on stdout');
  t.regex(get.stderr, /bytes of "piped" \(CF00, C900\) written to -/);
  const json = await run(['data', 'get', '--label', 'piped', '--out', '-', '--json']);
  t.is(json.stdoutBytes.toString('utf8'), content);
  t.like(JSON.parse(json.stderr), { out: '-', size: Buffer.byteLength(content) });
});

test('keys sign --in - --out -: message from stdin, DER signature on stdout; export-pub --out - the PEM', async (t) => {
  const run = await card();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  const message = 'sign me through a pipe';
  const sig = await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', '-', '--out', '-', '--pin-env', 'P'], {
    stdin: message,
  });
  t.is(sig.code, EXIT.OK, sig.stderr);
  t.is(sig.stdoutBytes[0], 0x30, 'a DER SEQUENCE');
  const pem = await run(['keys', 'export-pub', '--ref', '1', '--out', '-']);
  t.is(pem.code, EXIT.OK, pem.stderr);
  const key = createPublicKey(pem.stdoutBytes.toString());
  t.true(verify('sha256', Buffer.from(message), key, sig.stdoutBytes), 'node:crypto verifies what came out of stdout');
});

test('stdin is bounded like a file (the error names stdin) and read once', async (t) => {
  const run = await card();
  const big = await run(['data', 'put', '-', '--label', 'big', '--no-private', '--pin-env', 'P'], { stdin: 'x'.repeat(32768) });
  t.is(big.code, EXIT.USAGE);
  t.regex(big.stderr, /error: stdin is too large for a data file: more than 32767 bytes/);
  const sign = await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', '-', '--out', '-', '--pin-stdin']);
  t.is(sign.code, EXIT.USAGE);
  t.regex(sign.stderr, /--in - and --pin-stdin both want stdin/);
  const twice = await run(['dkek', 'import-share', '-', '-', '--password-env', 'P', '--password-env', 'P'], { stdin: 'x'.repeat(64) });
  t.is(twice.code, EXIT.USAGE);
  t.regex(twice.stderr, /error: the DKEK share file "-" wants stdin, which another input already read\nhint: only one input can be "-"/);
});

test('pin session -o - is refused: a session PIN is never printed', async (t) => {
  const run = await card();
  const r = await run(['pin', 'session', '-o', '-', '--pin-env', 'P']);
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /the session PIN is never printed/);
});

/*
 * Issue 11 items 6 and 8: `--opt -` (spaced) must mean the same as `--opt=-`. yargs alone would read the
 * spaced `-` as a positional or drop it (src/cli/main.ts, dashIn); each option is run in both forms.
 */

const WRAPPED_EC = fileURLToPath(new URL('../../fixtures/ops/sc-hsm-tool-wrapped-ec.bin', import.meta.url));
const TRACE = fileURLToPath(new URL('../../fixtures/traces/sim/apdu.trace', import.meta.url));
const shareBytes = (): Buffer => readFileSync(PEER_SHARE.file);
/** stdin holding raw bytes (a share file is binary: a string would be UTF-8 encoded). */
const bytesIn = (b: Buffer): NodeJS.ReadableStream => new PassThrough().end(b);
/** `[opt, '-']` and `[opt=-]`: the two spellings of "this option is stdin/stdout". */
const FORMS = (opt: string): [string, string[]][] => [
  ['spaced', [opt, '-']],
  ['joined', [`${opt}=-`]],
];
const pwEnv = { P: USER_PIN, W: PEER_SHARE.password };

test('dkek import-share - takes the share file from stdin (KCV of the peer share, from sc-hsm-tool)', async (t) => {
  const sim = newSim();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, retryCounter: 3, dkekShares: 1 });
  await card.close();
  const r = await runOn(sim, ['dkek', 'import-share', '-', '--password-env', 'W', '--pin-env', 'P', '--json'], {
    env: pwEnv,
    cwd: tempDir(),
    stdinStream: bytesIn(shareBytes()),
  });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /6C609824B9CA28EB/i, 'the KCV fixtures/ops/README.md gives for this share');
});

test('backup verify --share - and --share=-: the share from stdin, the blob KCV matches', async (t) => {
  for (const [form, opt] of FORMS('--share')) {
    const r = await runOn(newSim(), ['backup', 'verify', WRAPPED_EC, ...opt, '--password-env', 'W', '--json'], {
      env: pwEnv,
      stdinStream: bytesIn(shareBytes()),
    });
    t.is(r.code, EXIT.OK, `${form}: ${r.stderr}`);
    t.like(JSON.parse(r.stdout), { kcvMatches: true }, form);
  }
});

test('keys import --share - and --share=-: the share from stdin wraps the key file (--out alone: no device)', async (t) => {
  const dir = tempDir();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(path.join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  for (const [form, opt] of FORMS('--share')) {
    const out = `${form}.bin`;
    const r = await runOn(newSim(), ['keys', 'import', 'k.pem', ...opt, '--password-env', 'W', '--out', out], {
      env: pwEnv,
      cwd: dir,
      stdinStream: bytesIn(shareBytes()),
    });
    t.is(r.code, EXIT.OK, `${form}: ${r.stderr}`);
    t.is(statSync(path.join(dir, out)).mode & 0o777, 0o600, `${form}: the wrapped key is written, mode 0600`);
  }
  t.false(existsSync(path.join(dir, '-')), 'no file named -');
});

test('keys sign --in=- --out=- (joined forms) work like the spaced ones; random --out - and --out=-', async (t) => {
  const run = await card();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  const pem = (await run(['keys', 'export-pub', '--ref', '1', '--out=-'])).stdoutBytes.toString();
  const sig = await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in=-', '--out=-', '--pin-env', 'P'], {
    stdin: 'joined',
  });
  t.is(sig.code, EXIT.OK, sig.stderr);
  t.true(verify('sha256', Buffer.from('joined'), createPublicKey(pem), sig.stdoutBytes));
  for (const [form, opt] of FORMS('--out')) {
    const r = await run(['random', '8', ...opt]);
    t.is(r.code, EXIT.OK, `${form}: ${r.stderr}`);
    t.is(r.stdoutBytes.length, 8, `${form}: 8 raw bytes on stdout`);
  }
});

test('trace import -o - / -o=- / --out=- is stdout (the --json summary then on stderr); trace show|diff - read stdin (once); capture -o - is refused in words', async (t) => {
  const dir = tempDir();
  const plain = await runOn(newSim(), ['trace', 'import', TRACE], { cwd: dir });
  t.is(plain.code, EXIT.OK, plain.stderr);
  for (const opt of [['-o', '-'], ['-o=-'], ['--out', '-'], ['--out=-']]) {
    const r = await runOn(newSim(), ['trace', 'import', TRACE, ...opt], { cwd: dir });
    t.is(r.code, EXIT.OK, `${opt.join(' ')}: ${r.stderr}`);
    t.is(r.stdout, plain.stdout, `${opt.join(' ')}: the trace on stdout`);
  }
  const json = await runOn(newSim(), ['trace', 'import', TRACE, '-o', '-', '--json'], { cwd: dir });
  t.is(json.stdout, plain.stdout);
  t.like(JSON.parse(json.stderr), { out: '-', exchanges: 3 });
  t.false(existsSync(path.join(dir, '-')), 'no file named -');
  const named = await runOn(newSim(), ['trace', 'show', TRACE], { cwd: dir });
  t.is(named.code, EXIT.OK, named.stderr);
  const piped = await runOn(newSim(), ['trace', 'show', '-'], { cwd: dir, stdinStream: bytesIn(readFileSync(TRACE)) });
  t.is(piped.code, EXIT.OK, piped.stderr);
  t.is(piped.stdout, named.stdout, 'trace show - prints what trace show FILE prints');
  const junk = await runOn(newSim(), ['trace', 'show', '-'], { cwd: dir, stdin: 'x' });
  t.is(junk.code, EXIT.USAGE);
  t.regex(junk.stderr, /stdin/, 'the error names stdin as the input at fault');
  const twice = await runOn(newSim(), ['trace', 'diff', '-', '-'], { cwd: dir, stdinStream: bytesIn(readFileSync(TRACE)) });
  t.is(twice.code, EXIT.USAGE);
  t.regex(twice.stderr, /another input already read/);
  const capture = await runOn(newSim(), ['trace', 'capture', '-o', '-', '--', 'true'], { cwd: dir });
  t.is(capture.code, EXIT.USAGE);
  t.regex(capture.stderr, /trace capture -o -: stdout already carries the live trace/);
});

test('trace import - redacts a piped foreign log (the PIN never reaches the output) and bounds stdin at 64 MiB', async (t) => {
  const dir = tempDir();
  const log = readFileSync(new URL('../trace/logs/scriptor-1.6.2-file.out', import.meta.url));
  t.true(log.includes('31 32 33 34 35 36'), 'the log holds the PIN 123456');
  const r = await runOn(newSim(), ['trace', 'import', '-', '-o', 'piped.trace', '--json'], { cwd: dir, stdinStream: bytesIn(log) });
  t.is(r.code, EXIT.OK, r.stderr);
  t.like(JSON.parse(r.stdout), { exchanges: 6 });
  const written = readFileSync(path.join(dir, 'piped.trace'), 'utf8');
  t.regex(written, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\. {2}# redacted: PIN \(VERIFY\)$/m);
  t.regex(written, /^# source: stdin$/m);
  t.false(written.includes('31 32 33 34 35 36'));
  t.is(statSync(path.join(dir, 'piped.trace')).mode & 0o777, 0o600);
  const big = new PassThrough();
  const chunk = Buffer.alloc(1024 * 1024, 0x23); // '#' comment bytes
  let sent = 0;
  const pump = (): void => {
    while (sent <= 64 && big.write(chunk)) sent++;
    if (sent > 64) big.end();
    else big.once('drain', pump);
  };
  pump();
  const huge = await runOn(newSim(), ['trace', 'show', '-'], { cwd: dir, stdinStream: big });
  t.is(huge.code, EXIT.USAGE);
  t.regex(huge.stderr, /stdin is too large for a trace: more than \d+ bytes, the limit is 64 MiB/);
  t.regex(huge.stderr, /name the file instead, which is streamed whatever its size/);
});

test('explore --script - and --script=- run the script from stdin', async (t) => {
  const run = await card();
  for (const [form, opt] of FORMS('--script')) {
    const r = await run(['explore', ...opt], { stdin: 'status\n' });
    t.is(r.code, EXIT.OK, `${form}: ${r.stderr}`);
    t.regex(r.stdout, /initialised: +yes/, form);
  }
});

test('keys import --kek-file - and --kek-file=- are refused in words (a KEK comes from a file only you can read); a missing KEK file is "no such file"', async (t) => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'k.bin'), Buffer.alloc(40, 1));
  const base = ['keys', 'import', 'k.bin', '--format', 'wrapped', '--share', PEER_SHARE.file, '--password-env', 'W', '--pin-env', 'P'];
  for (const [form, opt] of FORMS('--kek-file')) {
    const r = await runOn(newSim(), [...base, ...opt], { env: pwEnv, cwd: dir, stdin: '00112233445566778899aabbccddeeff' });
    t.is(r.code, EXIT.USAGE, form);
    t.is(
      r.stderr,
      'error: the key-encryption key is read from a file only you can read, not from stdin ("-")\nhint: e.g. --kek-file kek.bin (chmod 600)\n',
      form,
    );
  }
  const missing = await runOn(newSim(), [...base, '--kek-file', 'nothere.kek'], { env: pwEnv, cwd: dir });
  t.is(missing.code, EXIT.USAGE);
  t.is(missing.stderr, 'error: cannot read the key-encryption key nothere.kek: no such file\n');
});

test('--record -, --sim-state -, sim --state - and --reader sim:- are refused in words (they created a file named "-")', async (t) => {
  const dir = tempDir();
  const cases: [string[], RegExp][] = [
    [['status', '--record', '-'], /^error: --record -: stdin\/stdout cannot stand in for this file\nhint: the trace is written while/],
    [['status', '--record=-'], /^error: --record -: /],
    [['status', '--sim-state', '-'], /^error: --sim-state -: stdin\/stdout cannot stand in for this file\nhint: the simulator state/],
    [['sim', '--state=-'], /^error: --state -: /],
    [['status', '--reader', 'sim:-'], /^error: --reader sim:-: stdin cannot stand in for this file/],
  ];
  for (const [argv, message] of cases) {
    const r = await runOn(newSim(), argv, { cwd: dir });
    t.is(r.code, EXIT.USAGE, argv.join(' '));
    t.regex(r.stderr, message, argv.join(' '));
    t.deepEqual(r.sources, [], `${argv.join(' ')}: no card opened`);
  }
  t.false(existsSync(path.join(dir, '-')) || existsSync('-'), 'no file named -');
});
