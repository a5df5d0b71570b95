// Issue 9 finding 10: every input file has a size limit that fits its format, checked before reading
// (regular files) and while reading (/dev/zero, /dev/urandom, FIFOs have no size): at most limit + 1
// bytes are read, and the error names the file and the limit, exit 2. Before, `trace show /dev/zero`
// grew to 7.5 GB and `backup verify --share /dev/urandom` to 6 GB.
import test from 'ava';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { INPUT_LIMITS, InputTooLargeError, readBoundedFile, readBoundedFileSync } from '../../src/transport/bounded-read.ts';
import { runCliCaptured } from '../helpers/cli.ts';

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'schsm-limits-'));
}

function cli(argv: readonly string[], cwd: string, env: Record<string, string> = {}) {
  return runCliCaptured(argv, { cwd, env: { XDG_STATE_HOME: cwd, ...env }, open: openDefaultTransport });
}

test('the limits fit the formats: a .pbe share is 64 bytes, an EF at most 65535', (t) => {
  t.is(INPUT_LIMITS.dkekShare, 64); // "Salted__" ‖ salt(8) ‖ AES-256-CBC of 32 bytes + padding (48)
  t.is(INPUT_LIMITS.efContent, 0xffff);
  t.true(INPUT_LIMITS.wrappedKey <= 64 * 1024);
});

test('backup verify --share /dev/urandom: exit 2 naming the file and the 64-byte limit', async (t) => {
  const cwd = dir();
  writeFileSync(path.join(cwd, 'k.wrapped'), Buffer.alloc(10));
  const r = await cli(['backup', 'verify', 'k.wrapped', '--share', '/dev/urandom', '--password-env', 'PW'], cwd, { PW: 'x' });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /\/dev\/urandom is too large for a DKEK share file: more than 64 bytes, the limit is 64 bytes/);
});

test('a 65-byte share file is refused from its size, before reading', async (t) => {
  const cwd = dir();
  writeFileSync(path.join(cwd, 'c1.pbe'), Buffer.alloc(65));
  const r = await cli(['dkek', 'import-share', 'c1.pbe', '--sim', '--password-env', 'PW'], cwd, { PW: 'x' });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /c1\.pbe is too large for a DKEK share file: 65 bytes, the limit is 64 bytes/);
});

test('keys unwrap /dev/zero and backup verify /dev/zero: the wrapped-key limit', async (t) => {
  const cwd = dir();
  const r = await cli(['backup', 'verify', '/dev/zero', '--share', 'c1.pbe'], cwd);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /\/dev\/zero is too large for a wrapped-key file: more than 65536 bytes, the limit is 64 KiB/);
  const u = await cli(['keys', 'unwrap', '/dev/zero', '--ref', '1', '--sim', '--pin-env', 'PIN'], cwd, { PIN: '648219' });
  t.is(u.code, 2, u.stderr);
  t.regex(u.stderr, /wrapped-key file/);
});

test('trace show, import and diff of /dev/zero: exit 2 at the first over-long line, not a memory blow-up', async (t) => {
  const cwd = dir();
  for (const argv of [
    ['trace', 'show', '/dev/zero'],
    ['trace', 'import', '/dev/zero', '--format', 'schsm'],
    ['trace', 'diff', '/dev/zero', '/dev/zero'],
    ['trace', 'show', '/dev/urandom', '--format', 'schsm'],
  ]) {
    const r = await cli(argv, cwd);
    t.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /\/dev\/(zero|urandom)/, argv.join(' '));
  }
  const replay = await cli(['trace', 'replay', '/dev/zero', '--', 'random', '8'], cwd);
  t.is(replay.code, 2, replay.stderr);
  t.regex(replay.stderr, /\/dev\/zero is too large for a trace: more than 67108864 bytes, the limit is 64 MiB/);
});

test('schsm run /dev/zero and explorer put/script from /dev/zero: the script and EF limits', async (t) => {
  const cwd = dir();
  const run = await cli(['run', '--sim', '/dev/zero'], cwd);
  t.is(run.code, 2, run.stderr);
  t.regex(run.stderr, /\/dev\/zero is too large for an APDU script: more than 4194304 bytes, the limit is 4 MiB/);
  const script = await cli(['explore', '--ephemeral', '--script', '/dev/zero'], cwd);
  t.is(script.code, 2, script.stderr);
  t.regex(script.stderr, /too large for an explorer script/);
  writeFileSync(path.join(cwd, 's.txt'), 'put CF01 /dev/zero\n');
  const put = await cli(['explore', '--ephemeral', '--script', 's.txt'], cwd);
  t.is(put.code, 1, put.stderr);
  t.regex(put.stderr, /\/dev\/zero is too large for a file: more than 65535 bytes, the limit is 65535 bytes/);
});

test('simulator state /dev/zero: exit 2 naming the state-file limit', async (t) => {
  const cwd = dir();
  const r = await cli(['status', '--sim-state', '/dev/zero'], cwd);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /\/dev\/zero is too large for a simulator state file: more than 16777216 bytes, the limit is 16 MiB/);
});

test('a FIFO fed without end: at most limit + 1 bytes are read, then exit 2', async (t) => {
  const cwd = dir();
  const fifo = path.join(cwd, 'share.pbe');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `exec cat /dev/zero > '${fifo}'`], { stdio: 'ignore' });
  try {
    const r = await cli(['dkek', 'import-share', 'share.pbe', '--sim', '--password-env', 'PW'], cwd, { PW: 'x' });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /share\.pbe is too large for a DKEK share file: more than 64 bytes/);
  } finally {
    writer.kill('SIGKILL');
  }
});

test('the bounded reader (library): exact limit passes, one byte more fails, sync and async alike', async (t) => {
  const cwd = dir();
  const f = path.join(cwd, 'f');
  writeFileSync(f, Buffer.alloc(100, 7));
  t.is((await readBoundedFile(f, 100, { what: 'test file' })).length, 100);
  t.is(readBoundedFileSync(f, 100, { what: 'test file' }).length, 100);
  await t.throwsAsync(readBoundedFile(f, 99, { what: 'test file' }), {
    instanceOf: InputTooLargeError,
    message: /100 bytes, the limit is 99 bytes/,
  });
  t.throws(() => readBoundedFileSync('/dev/zero', 99, { what: 'test file' }), {
    instanceOf: InputTooLargeError,
    message: /more than 99 bytes/,
  });
});
