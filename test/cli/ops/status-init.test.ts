import test from 'ava';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, insOf, newSim, runOn, setupCard, SO_PIN, USER_PIN, PEER_SHARE } from './helpers.ts';

const INITIALIZE = 0x50;
const env = { SO: SO_PIN, P: USER_PIN };

test('status of a fresh card: sc-hsm-tool\'s "never been initialized" line, serial, version, verified chain', async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['status']);
  t.is(r.code, EXIT.OK);
  t.regex(r.stdout, /^Reader {15}: simulator$/m);
  t.regex(r.stdout, new RegExp(`^Serial number {8}: ${sim.state.serial}$`, 'm'));
  t.regex(r.stdout, /never been initialized/);
  t.regex(
    r.stdout,
    new RegExp(
      `^Certificate chain {4}: ${sim.state.serial}00000 ← UTDICASIM00001 ← UTSRCASIM00001 \\(schsm simulator root, simulated device\\): verified$`,
      'm',
    ),
  );
  t.notRegex(r.stdout, /tries left/);
});

test('status --json of an initialised card with a complete DKEK and keys', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const r = await runOn(sim, ['status', '--json']);
  t.is(r.code, EXIT.OK);
  const j = JSON.parse(r.stdout);
  t.true(j.initialized);
  t.is(j.serial, sim.state.serial);
  t.deepEqual(j.userPin, { ref: 0x81, state: 'not-verified', retriesLeft: 3 });
  t.deepEqual(j.soPin, { ref: 0x88, state: 'not-verified', retriesLeft: 15 });
  t.deepEqual(j.dkek, { total: 1, outstanding: 0, kcv: PEER_SHARE.kcv, kcvHidden: false });
  t.deepEqual(j.options.flags, ['user PIN reset with SO-PIN enabled']);
  t.is(j.keyCount, 0);
  t.true(j.deviceCertificate.deviceVerified);
  t.true(j.deviceCertificate.dicaVerified);
});

test('status text after init: options, tries, pending DKEK like sc-hsm-tool (06-status-after-init)', async (t) => {
  const sim = newSim();
  const init = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '1'], { env });
  t.is(init.code, EXIT.OK, init.stderr);
  const r = await runOn(sim, ['status']);
  // the lines of /work/shared/traces/opensc-vs-independent-card/06-status-after-init.out.txt
  for (const l of [
    'Config options       : ',
    '  User PIN reset with SO-PIN enabled',
    'SO-PIN tries left    : 15',
    'User PIN tries left  : 3',
    'DKEK shares          : 1',
    'DKEK import pending, 1 share(s) still missing',
  ]) {
    t.true(r.stdout.split('\n').includes(l), `missing line ${JSON.stringify(l)}`);
  }
});

test('init without --yes: exit 4 and no INITIALIZE on the wire', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['init', '--so-pin-env', 'SO', '--pin-env', 'P'], { env, apdus });
  t.is(r.code, EXIT.REFUSED);
  t.regex(r.stderr, /erases every key/);
  t.regex(r.stderr, /--yes/);
  t.false(insOf(apdus).includes(INITIALIZE));
  t.false(sim.state.initialized);
});

test('init sends the §3.9 TLVs, honours --retry-counter and --dkek-shares, and never prints the PINs', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '2', '--retry-counter', '2'], {
    env,
    apdus,
  });
  t.is(r.code, EXIT.OK, r.stderr);
  const init = apdus.find((a) => a[1] === INITIALIZE);
  // 80 50 00 00 Lc | 80 02 0001 | 81 06 "271828" | 82 08 A1B2C3D4E5F60718 | 91 01 02 | 92 01 02
  t.is(
    Buffer.from(init ?? []).toString('hex'),
    '805000001c' + '80020001' + '8106323731383238' + '8208a1b2c3d4e5f60718' + '910102' + '920102',
  );
  t.is(sim.state.userPin?.max, 2);
  t.deepEqual([sim.state.dkek?.total, sim.state.dkek?.outstanding], [2, 2]);
  t.regex(r.stdout, /DKEK import pending, 2 share\(s\) still missing/);
  assertNoSecrets(t, r, [SO_PIN, USER_PIN]);
});

test("init warns about the documentation's example PINs without echoing them", async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], { env: { SO: '3537363231383830', P: '648219' } });
  t.is(r.code, EXIT.OK);
  t.regex(r.stderr, /warning: the SO-PIN is a published example/);
  t.regex(r.stderr, /warning: the user PIN is a published example/);
  assertNoSecrets(t, r, ['3537363231383830', '648219']);
});

test('init: a literal --pin is accepted with a warning about shell history and ps', async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin', USER_PIN], { env });
  t.is(r.code, EXIT.OK);
  t.regex(r.stderr, /warning: --pin puts the new user PIN into your shell history and the process list/);
});

test('init reads SO-PIN and user PIN from stdin lines', async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-stdin'], { stdin: `${SO_PIN}\n${USER_PIN}\n` });
  t.is(r.code, EXIT.OK, r.stderr);
  t.true(sim.state.initialized);
  assertNoSecrets(t, r, [SO_PIN, USER_PIN]);
});

test('init rejects a retry counter too large for the PIN length and a malformed SO-PIN (exit 2, nothing sent)', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const a = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--retry-counter', '5'], { env, apdus });
  t.is(a.code, EXIT.USAGE);
  t.regex(a.stderr, /too many guesses for a 6-character PIN \(at most 3\)/);
  const b = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], { env: { SO: '12345', P: USER_PIN }, apdus });
  t.is(b.code, EXIT.USAGE);
  t.regex(b.stderr, /16 hexadecimal digits/);
  t.false(insOf(apdus).includes(INITIALIZE));
  t.false(sim.state.initialized);
});

test('no secret source and no terminal: exit 2 naming the flags', async (t) => {
  const r = await runOn(newSim(), ['init', '--yes']);
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /no new SO-PIN .* given and stdin is not a terminal/);
  t.regex(r.stderr, /--so-pin-env VAR or --so-pin-stdin/);
});

test('re-init needs the current SO-PIN: a wrong one is refused by the card (exit 1, tries shown), the right one wipes keys', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const wrong = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], {
    env: { SO: '0000000000000001', P: USER_PIN },
  });
  t.is(wrong.code, EXIT.FAILED);
  t.regex(wrong.stderr, /current SO-PIN/);
  t.regex(wrong.stderr, /SO-PIN: 14 tries left/);
  t.true(sim.state.keys.has(1), 'keys survive a refused re-init');
  const right = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--label', 'Fresh'], { env });
  t.is(right.code, EXIT.OK, right.stderr);
  t.regex(right.stdout, /re-initialised/);
  t.regex(right.stdout, /^Keys {17}: 0$/m);
});

test("re-init refuses on the SO-PIN's last try (exit 4), --force or not, unless --allow-last-try", async (t) => {
  const sim = newSim();
  await setupCard(sim);
  if (sim.state.soPin !== undefined) sim.state.soPin.retries = 1;
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], { env, apdus });
  t.is(r.code, EXIT.REFUSED);
  t.regex(r.stderr, /only 1 try left/);
  t.regex(r.stderr, /--allow-last-try/);
  t.false(insOf(apdus).includes(INITIALIZE));
  const forced = await runOn(sim, ['init', '--yes', '--force', '--so-pin-env', 'SO', '--pin-env', 'P'], { env });
  t.is(forced.code, EXIT.REFUSED, '--force only ever overwrites files');
  t.is(sim.state.soPin?.retries, 1);
  const allowed = await runOn(sim, ['init', '--yes', '--allow-last-try', '--so-pin-env', 'SO', '--pin-env', 'P'], { env });
  t.is(allowed.code, EXIT.OK, allowed.stderr);
  t.is(sim.state.soPin?.retries, 15);
});

test('init --label writes TokenInfo (EF 2F03) with the label', async (t) => {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--label', 'CA keys'], { env });
  t.is(r.code, EXIT.OK, r.stderr);
  const ef = sim.state.files.get(0x2f03);
  // 30 10 | 02 01 00 | 80 07 "CA keys" | 03 02 05 20
  t.is(Buffer.from(ef ?? []).toString('hex'), `30100201008007${Buffer.from('CA keys').toString('hex')}03020520`);
});
