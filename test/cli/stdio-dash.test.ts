/**
 * Issue 11 item 6: `-` is stdin or stdout wherever a file is read or written; stdin is bounded like a
 * file and read once; with an output on stdout the command's report (and --json document) goes to stderr.
 */
import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { newSim, runOn, setupCard, tempDir, USER_PIN } from './ops/helpers.ts';

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
