/**
 * Issue 11 item 8: an error about a file's content or its absence names the file: which of two share
 * files has the wrong password, "DKEK share file X: 40 bytes, expected 64", "key blob X: 8 bytes is too
 * short", "X: no such file" (not ENOENT).
 */
import test from 'ava';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { initialisedSim } from '../explorer/helpers.ts';
import { PEER_SHARE, runOn, runWith, tempDir } from './ops/helpers.ts';

const env = { PW: PEER_SHARE.password, BAD: 'not-the-password' };

function files(): string {
  const dir = tempDir();
  copyFileSync(PEER_SHARE.file, path.join(dir, 'a.pbe'));
  copyFileSync(PEER_SHARE.file, path.join(dir, 'b.pbe'));
  writeFileSync(path.join(dir, 'short.pbe'), readFileSync(PEER_SHARE.file).subarray(0, 40));
  writeFileSync(path.join(dir, 'tiny.bin'), Buffer.from('0102030405060708', 'hex'));
  return dir;
}

test('two share files, the second with the wrong password: the error names b.pbe', async (t) => {
  const cwd = files();
  const r = await runWith(
    ['backup', 'verify', 'tiny.bin', '--share', 'a.pbe', '--share', 'b.pbe', '--password-env', 'PW', '--password-env', 'BAD'],
    {
      env,
      cwd,
    },
  );
  t.is(r.code, EXIT.FAILED, r.stderr);
  t.regex(r.stderr, /^error: b\.pbe: wrong password or not a DKEK share file$/m);
  t.false(r.stderr.includes(env.BAD));
});

test('a truncated share file, a too-short key blob and a missing file are named', async (t) => {
  const cwd = files();
  const short = await runWith(['backup', 'verify', 'tiny.bin', '--share', 'short.pbe', '--password-env', 'PW'], { env, cwd });
  t.is(short.code, EXIT.USAGE);
  t.regex(short.stderr, /^error: DKEK share file short\.pbe: 40 bytes, expected 64$/m);
  const blob = await runWith(['backup', 'verify', 'tiny.bin', '--share', 'a.pbe', '--password-env', 'PW'], { env, cwd });
  t.is(blob.code, EXIT.USAGE);
  t.regex(blob.stderr, /^error: key blob tiny\.bin: 8 bytes is too short \(at least 49\)$/m);
  const missing = await runWith(['backup', 'verify', 'tiny.bin', '--share', 'nothere.pbe', '--password-env', 'PW'], { env, cwd });
  t.is(missing.code, EXIT.USAGE);
  t.is(missing.stderr, 'error: DKEK share file nothere.pbe: no such file\n');
  const script = await runWith(['run', 'nothere.apdu'], { cwd });
  t.is(script.stderr, 'error: APDU script nothere.apdu: no such file\n');
});

test('dkek import-share names the share file that is not one (before any password or card work)', async (t) => {
  const sim = await initialisedSim({ dkekShares: 1 });
  const cwd = files();
  const r = await runOn(sim, ['dkek', 'import-share', 'short.pbe', '--password-env', 'PW'], { env, cwd });
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /^error: DKEK share file short\.pbe: 40 bytes, expected 64$/m);
});
