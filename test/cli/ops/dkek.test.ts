/**
 * DKEK share files and their import. Each create/import costs one 3 × 10M-round derivation (~2.6 s):
 * this file does five of them in all; the refusals below happen before any derivation.
 */
import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const PASSWORD = 'correct horse battery';

async function cardAwaiting(shares: number) {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', String(shares)], {
    env: { SO: SO_PIN, P: USER_PIN },
  });
  if (r.code !== EXIT.OK) throw new Error(r.stderr);
  return sim;
}

test('create-share writes a 64-byte "Salted__" file (0600) from host randomness; importing it gives the KCV create printed', async (t) => {
  const dir = tempDir();
  const sim = await cardAwaiting(1);
  const apdus: Uint8Array[] = [];
  const c = await runOn(sim, ['dkek', 'create-share', 'one.pbe', '--password-env', 'PW'], { env: { PW: PASSWORD }, cwd: dir, apdus });
  t.is(c.code, EXIT.OK, c.stderr);
  t.is(apdus.length, 0, 'no card involved: the share comes from the host CSPRNG');
  const file = readFileSync(path.join(dir, 'one.pbe'));
  t.is(file.length, 64);
  t.is(file.subarray(0, 8).toString('latin1'), 'Salted__');
  t.is(statSync(path.join(dir, 'one.pbe')).mode & 0o777, 0o600);
  const kcv = /KCV of this share +: ([0-9A-F]{16})/.exec(c.stdout)?.[1];
  t.truthy(kcv);
  const i = await runOn(sim, ['dkek', 'import-share', 'one.pbe', '--password-env', 'PW'], { env: { PW: PASSWORD }, cwd: dir });
  t.is(i.code, EXIT.OK, i.stderr);
  t.regex(i.stdout, new RegExp(`^DKEK key check value : ${kcv}$`, 'm'));
  assertNoSecrets(t, c, [PASSWORD]);
  assertNoSecrets(t, i, [PASSWORD]);
});

test("import-share of the peer file: sc-hsm-tool's lines and the known KCV; then import is refused (exit 4) before asking anything", async (t) => {
  const sim = await cardAwaiting(1);
  const r = await runOn(sim, ['dkek', 'import-share', PEER_SHARE.file, '--password-stdin'], { stdin: `${PEER_SHARE.password}\n` });
  t.is(r.code, EXIT.OK, r.stderr);
  t.true(r.stdout.includes(`DKEK shares          : 1\nDKEK key check value : ${PEER_SHARE.kcv}\n`));
  const again = await runOn(sim, ['dkek', 'import-share', PEER_SHARE.file]);
  t.is(again.code, EXIT.REFUSED);
  t.regex(again.stderr, new RegExp(`all 1 DKEK share\\(s\\) are already imported \\(KCV ${PEER_SHARE.kcv}\\)`));
  const status = await runOn(sim, ['dkek', 'status', '--json']);
  t.deepEqual(JSON.parse(status.stdout), {
    present: true,
    total: 1,
    outstanding: 0,
    complete: true,
    kcv: PEER_SHARE.kcv,
    kcvHidden: false,
    afterLogin: false,
  });
  assertNoSecrets(t, r, [PEER_SHARE.password]);
});

test('a wrong password is exit 1 and nothing reaches the card', async (t) => {
  const sim = await cardAwaiting(1);
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['dkek', 'import-share', PEER_SHARE.file, '--password-env', 'PW'], { env: { PW: 'Peer-DKEK-Pass-2' }, apdus });
  t.is(r.code, EXIT.FAILED);
  t.regex(r.stderr, /wrong password/);
  t.false(
    apdus.some((a) => a[1] === 0x52 && a.length > 5),
    'no IMPORT DKEK SHARE with data',
  );
  t.is(sim.state.dkek?.outstanding, 1);
});

test('refusals before any derivation: more files than missing shares (4), existing output file (4), bad threshold (2)', async (t) => {
  const dir = tempDir();
  const sim = await cardAwaiting(1);
  const two = await runOn(sim, ['dkek', 'import-share', PEER_SHARE.file, PEER_SHARE.file]);
  t.is(two.code, EXIT.REFUSED);
  t.regex(two.stderr, /2 share files given, but only 1 share\(s\) are still missing/);
  writeFileSync(path.join(dir, 'taken.pbe'), 'x');
  const exists = await runOn(sim, ['dkek', 'create-share', 'taken.pbe', '--password-env', 'PW'], { env: { PW: PASSWORD }, cwd: dir });
  t.is(exists.code, EXIT.REFUSED);
  t.is(readFileSync(path.join(dir, 'taken.pbe'), 'latin1'), 'x');
  t.is((await runOn(sim, ['dkek', 'create-share', 'x.pbe', '--threshold', '2', '--total', '2'], { cwd: dir })).code, EXIT.USAGE);
  t.is((await runOn(sim, ['dkek', 'create-share', 'x.pbe', '--threshold', '4', '--total', '3'], { cwd: dir })).code, EXIT.USAGE);
  t.is((await runOn(sim, ['dkek', 'create-share', 'x.pbe', '--password-env', 'PW'], { env: { PW: 'short' }, cwd: dir })).code, EXIT.USAGE);
  const noDkek = newSim();
  await setupCard(noDkek);
  const none = await runOn(noDkek, ['dkek', 'import-share', PEER_SHARE.file]);
  t.is(none.code, EXIT.FAILED);
  t.regex(none.stderr, /DKEK/);
});

test("threshold 2-of-3: create prints three sc-hsm-tool style shares; any two (stdin in sc-hsm-tool's prompt order, or a printout file) open it", async (t) => {
  const dir = tempDir();
  const c = await runOn(newSim(), ['dkek', 'create-share', 't.pbe', '--threshold', '2', '--total', '3'], { cwd: dir });
  t.is(c.code, EXIT.OK, c.stderr);
  const blocks = c.stdout.split(/\n(?=Share \d of 3\n)/).slice(1);
  t.is(blocks.length, 3);
  const fields = blocks.map((b) => ({
    prime: /^Prime {7}: ([0-9a-f:]+)$/m.exec(b)?.[1] ?? '',
    id: /^Share ID {4}: ([0-9a-f]+)$/m.exec(b)?.[1] ?? '',
    value: /^Share value : ([0-9a-f:]+)$/m.exec(b)?.[1] ?? '',
  }));
  t.deepEqual(
    fields.map((f) => f.id),
    ['1', '2', '3'],
  );
  t.true(
    fields.every((f) => f.prime === fields[0]?.prime && /^([0-9a-f]{2}:){7}[0-9a-f]{2}$/.test(f.prime)),
    '64-bit prime as colon hex',
  );
  const kcv = /KCV of this share +: ([0-9A-F]{16})/.exec(c.stdout)?.[1];

  const a = await cardAwaiting(1);
  const [s1, s2, s3] = fields as [(typeof fields)[0], (typeof fields)[0], (typeof fields)[0]];
  const viaStdin = await runOn(a, ['dkek', 'import-share', 't.pbe', '--threshold-shares', '2'], {
    cwd: dir,
    stdin: [s1.prime, s3.id, s3.value, s1.id, s1.value, ''].join('\n'),
  });
  t.is(viaStdin.code, EXIT.OK, viaStdin.stderr);
  t.regex(viaStdin.stdout, new RegExp(`DKEK key check value : ${kcv}`));

  writeFileSync(path.join(dir, 'custodians.txt'), `${blocks[1]}\n\n${blocks[2]}\n`);
  const b = await cardAwaiting(1);
  const viaFile = await runOn(b, ['dkek', 'import-share', 't.pbe', '--shares-file', 'custodians.txt'], { cwd: dir });
  t.is(viaFile.code, EXIT.OK, viaFile.stderr);
  t.regex(viaFile.stdout, new RegExp(`DKEK key check value : ${kcv}`));
  void s2;
});

test('threshold shares with different primes are a usage error before any derivation', async (t) => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'mixed.txt'),
    'Prime       : f5:63\nShare ID    : 1\nShare value : 01\n\nPrime       : f5:65\nShare ID    : 2\nShare value : 02\n',
  );
  const sim = await cardAwaiting(1);
  const r = await runOn(sim, ['dkek', 'import-share', PEER_SHARE.file, '--shares-file', 'mixed.txt'], { cwd: dir });
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /different primes/);
});
