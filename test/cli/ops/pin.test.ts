import test from 'ava';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, insOf, newSim, runOn, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const VERIFY = 0x20;
const env = { SO: SO_PIN, P: USER_PIN, BAD: '000000', NEW: '314159265' };

/** VERIFY commands that carried a PIN (Lc present), i.e. that could spend a try. */
const pinTries = (apdus: readonly Uint8Array[]): number => apdus.filter((a) => a[1] === VERIFY && a.length > 4).length;

test('pin status: tries left without spending one (VERIFY without data only)', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['pin', 'status'], { apdus });
  t.is(r.code, EXIT.OK);
  t.is(r.stdout, 'User PIN             : 3 tries left\n');
  t.is(pinTries(apdus), 0);
  const so = await runOn(sim, ['pin', 'status', '--so-pin', '--json']);
  t.deepEqual(JSON.parse(so.stdout), { pin: 'so-pin', state: 'not-verified', retriesLeft: 15 });
});

test('pin verify: right PIN from env, wrong PIN shows tries left (exit 1), the PIN never appears', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const ok = await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env });
  t.is(ok.code, EXIT.OK);
  t.regex(ok.stdout, /user PIN verified/);
  const bad = await runOn(sim, ['pin', 'verify', '--pin-env', 'BAD'], { env });
  t.is(bad.code, EXIT.FAILED);
  t.regex(bad.stderr, /wrong user PIN, 2 tries left \(SW=63C2\)/);
  assertNoSecrets(t, ok, [USER_PIN]);
  assertNoSecrets(t, bad, ['000000']);
});

test('retry guard: with one try left pin verify is refused (exit 4, no PIN sent), also with --force; --allow-last-try sends it', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  for (const left of ['2 tries', '1 try']) {
    const r = await runOn(sim, ['pin', 'verify', '--pin-env', 'BAD'], { env });
    t.regex(r.stderr, new RegExp(left));
  }
  for (const extra of [[], ['--force']]) {
    const apdus: Uint8Array[] = [];
    const refused = await runOn(sim, ['pin', 'verify', '--pin-env', 'P', ...extra], { env, apdus });
    t.is(refused.code, EXIT.REFUSED);
    t.regex(refused.stderr, /only 1 try left/);
    t.regex(refused.stderr, /--allow-last-try/, 'the refusal names the flag that allows it');
    t.notRegex(refused.stderr, /--force/, '--force only ever overwrites files');
    t.is(pinTries(apdus), 0);
    t.is(sim.state.userPin?.retries, 1);
  }
  const allowed = await runOn(sim, ['pin', 'verify', '--pin-env', 'P', '--allow-last-try'], { env });
  t.is(allowed.code, EXIT.OK);
  t.is(sim.state.userPin?.retries, 3);
});

test('a blocked PIN: verify says so (exit 1) without sending it; unblock with the SO-PIN sets a new PIN', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  if (sim.state.userPin !== undefined) sim.state.userPin.retries = 0;
  const apdus: Uint8Array[] = [];
  const blocked = await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env, apdus });
  t.is(blocked.code, EXIT.FAILED);
  t.regex(blocked.stderr, /user PIN is blocked/);
  t.is(pinTries(apdus), 0);
  const un = await runOn(sim, ['pin', 'unblock', '--so-pin-env', 'SO', '--new-pin-env', 'NEW'], { env });
  t.is(un.code, EXIT.OK, un.stderr);
  t.regex(un.stdout, /user PIN unblocked and set \(3 tries left\)/);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'NEW'], { env })).code, EXIT.OK);
  assertNoSecrets(t, un, [SO_PIN, env.NEW]);
});

test('pin unblock from stdin (SO-PIN, new PIN); --reset-only keeps the PIN', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  if (sim.state.userPin !== undefined) sim.state.userPin.retries = 1;
  const r = await runOn(sim, ['pin', 'unblock', '--stdin', '--reset-only'], { stdin: `${SO_PIN}\n` });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /user PIN unblocked \(3 tries left\)/);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env })).code, EXIT.OK);
});

test('pin unblock: a wrong SO-PIN costs an SO-PIN try (exit 1); refused when the device lacks option 0x0001', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const wrong = await runOn(sim, ['pin', 'unblock', '--so-pin-env', 'X', '--new-pin-env', 'NEW'], {
    env: { ...env, X: '0000000000000001' },
  });
  t.is(wrong.code, EXIT.FAILED);
  t.regex(wrong.stderr, /wrong SO-PIN, 14 tries left/);
  const noRrc = newSim();
  await setupCard(noRrc, { options: 0 });
  const refused = await runOn(noRrc, ['pin', 'unblock', '--so-pin-env', 'SO', '--new-pin-env', 'NEW'], { env });
  t.is(refused.code, EXIT.REFUSED);
  t.regex(refused.stderr, /without "user PIN reset with SO-PIN"/);
  t.is(noRrc.state.soPin?.retries, 15);
});

test('pin change from two stdin lines, then the new PIN works and the old one does not', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const r = await runOn(sim, ['pin', 'change', '--pin-stdin'], { stdin: `${USER_PIN}\n${env.NEW}\n` });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /user PIN changed/);
  assertNoSecrets(t, r, [USER_PIN, env.NEW]);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'NEW'], { env })).code, EXIT.OK);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env })).code, EXIT.FAILED);
});

test('pin change --so-pin changes the SO-PIN (init then needs the new one)', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const next = '0F1E2D3C4B5A6978';
  const r = await runOn(sim, ['pin', 'change', '--so-pin', '--pin-env', 'SO', '--new-pin-env', 'N'], { env: { ...env, N: next } });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /SO-PIN changed/);
  t.is((await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], { env })).code, EXIT.FAILED);
  t.is((await runOn(sim, ['init', '--yes', '--so-pin-env', 'N', '--pin-env', 'P'], { env: { ...env, N: next } })).code, EXIT.OK);
});

test('pin change rejects a too-short new PIN before sending anything (exit 2)', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['pin', 'change', '--pin-env', 'P', '--new-pin', '123'], { env, apdus });
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /6 to 16 characters/);
  t.false(insOf(apdus).includes(0x24));
});

test('random N: hex on stdout; --out writes a 0600 file and refuses to overwrite (exit 4) unless --force', async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['random', '24']);
  t.is(r.code, EXIT.OK);
  t.regex(r.stdout, /^[0-9a-f]{48}\n$/);
  const j = JSON.parse((await runOn(sim, ['random', '300', '--json'])).stdout);
  t.is(j.hex.length, 600);
  const dir = tempDir();
  const out = path.join(dir, 'r.bin');
  t.is((await runOn(sim, ['random', '1500', '--out', out])).code, EXIT.OK);
  t.is(statSync(out).size, 1500);
  t.is(statSync(out).mode & 0o777, 0o600);
  writeFileSync(path.join(dir, 'keep'), 'x');
  const refused = await runOn(sim, ['random', '8', '--out', 'keep'], { cwd: dir });
  t.is(refused.code, EXIT.REFUSED);
  t.regex(refused.stderr, /already exists/);
  t.is((await runOn(sim, ['random', '8', '--out', 'keep', '--force'], { cwd: dir })).code, EXIT.OK);
  t.is(statSync(path.join(dir, 'keep')).size, 8);
  t.is((await runOn(sim, ['random', '0'])).code, EXIT.USAGE);
  t.true(existsSync(out));
});
