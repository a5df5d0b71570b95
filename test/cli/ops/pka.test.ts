import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { assertNoSecrets, newSim, runWith, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

/**
 * Public key authentication end to end through the CLI, on three in-process simulators: the HSM to
 * protect and two custodians' devices holding one authentication key each (§3.20).
 */

const PINS = { P: USER_PIN, ALICE: '314159', BOB: '161803' };

async function devices() {
  const hsm = newSim();
  const alice = newSim();
  const bob = newSim();
  await setupCard(alice);
  await setupCard(bob);
  const cards = new Map<string, SmartCardHsmSimulator>([
    ['hsm', hsm],
    ['alice', alice],
    ['bob', bob],
    ['alice-again', alice],
  ]);
  const dir = tempDir('schsm-pka-');
  const run = (argv: string[]) =>
    runWith(argv, {
      env: { ...PINS, A: USER_PIN, B: USER_PIN },
      cwd: dir,
      open: (source) => {
        const sim = cards.get(source.reader ?? '');
        if (sim === undefined) throw new Error(`no simulated card in reader ${source.reader}`);
        return createSimulatorTransport({ simulator: sim });
      },
    });
  return { hsm, alice, bob, dir, run };
}

test('2-of-2: init --pka, export from two devices (both layouts), register without PIN, status, auth', async (t) => {
  const { hsm, dir, run } = await devices();
  const init = await run(['init', '--reader', 'hsm', '--so-pin-env', 'S', '--pin-env', 'P', '--pka', '2:2', '--yes', '--json']);
  t.is(init.code, EXIT.USAGE, 'no S in the env: refused before anything happens');
  const env2 = await runWith(['init', '--reader', 'hsm', '--so-pin', SO_PIN, '--pin-env', 'P', '--pka', '2:2', '--yes', '--json'], {
    env: PINS,
    cwd: dir,
    open: () => createSimulatorTransport({ simulator: hsm }),
  });
  t.is(env2.code, EXIT.OK, env2.stderr);
  t.like(JSON.parse(env2.stdout), { pka: { total: 2, required: 2 } });
  t.deepEqual(hsm.state.pka?.keys.length, 0);

  for (const who of ['alice', 'bob']) {
    const g = await run([
      'keys',
      'generate',
      '--reader',
      who,
      '--type',
      'ec:brainpoolP256r1',
      '--label',
      'auth',
      '--pin-env',
      'A',
      '--json',
    ]);
    t.is(g.code, EXIT.OK, g.stderr);
  }
  const ea = await run(['pka', 'export', '--reader', 'alice', '--ref', '1', '-o', 'alice.pka', '--json']);
  t.is(ea.code, EXIT.OK, ea.stderr);
  const eb = await run(['pka', 'export', '--reader', 'bob', '--ref', '1', '-o', 'bob.pka', '--layout', 'new', '--json']);
  t.is(eb.code, EXIT.OK, eb.stderr);
  const alice = readFileSync(path.join(dir, 'alice.pka'));
  const bob = readFileSync(path.join(dir, 'bob.pka'));
  t.is(alice[0], 0x30);
  t.is(alice[alice[1] === 0x82 ? 4 : 3], 0x67, 'old layout: the request comes first');
  t.is(Buffer.from(bob).includes(Buffer.from('060b2b0601040181c31f040301', 'hex')), true, 'new layout starts with the PKA OID');
  t.not(JSON.parse(ea.stdout).chr, JSON.parse(eb.stdout).chr);

  const before = await run(['pka', 'status', '--reader', 'hsm', '--json']);
  t.deepEqual(JSON.parse(before.stdout), { enabled: true, total: 2, missing: 2, required: 2, authenticated: 0 });
  for (const f of ['alice.pka', 'bob.pka']) {
    const r = await run(['pka', 'register', '--reader', 'hsm', f]);
    t.is(r.code, EXIT.OK, r.stderr);
  }
  const again = await run(['pka', 'register', '--reader', 'hsm', 'alice.pka']);
  t.is(again.code, EXIT.FAILED, 'all keys registered: the card refuses another');
  const status = await run(['pka', 'status', '--reader', 'hsm']);
  t.regex(status.stdout, /2 public key\(s\) \(all registered\), 2 must authenticate, 0 authenticated/);

  const one = await run(['pka', 'auth', '--reader', 'hsm', '--with', 'alice', '--with-pin-env', 'A', '--json']);
  t.is(one.code, EXIT.FAILED, 'one of two keys is not enough');
  t.like(JSON.parse(one.stdout), { authenticated: false, status: { authenticated: 1, required: 2 } });

  const both = await run([
    'pka',
    'auth',
    '--reader',
    'hsm',
    '--with',
    'alice',
    '--with',
    'bob',
    '--with-pin-env',
    'A',
    '--with-pin-env',
    'B',
  ]);
  t.is(both.code, EXIT.OK, both.stderr);
  t.regex(both.stdout, /authenticated — 2 public key\(s\) \(all registered\), 2 must authenticate, 2 authenticated/);
  assertNoSecrets(t, both, [USER_PIN]);
});

test('auth refuses to guess: no --reader, --with naming the target itself', async (t) => {
  const { run } = await devices();
  const noTarget = await run(['pka', 'auth', '--with', 'alice']);
  t.is(noTarget.code, EXIT.USAGE);
  t.regex(noTarget.stderr, /needs --reader/);
  const self = await run(['pka', 'auth', '--reader', 'alice', '--with', 'alice']);
  t.is(self.code, EXIT.USAGE);
  t.regex(self.stderr, /ANOTHER device/);
  const alias = await run(['pka', 'auth', '--reader', 'alice', '--with', 'alice-again', '--with-pin-env', 'A']);
  t.is(alias.code, EXIT.USAGE, 'the same device under another reader name is found by its serial');
  t.regex(alias.stderr, /is the device to authenticate \(UTSM\d{7}00000\)/);
});

test('init --pka out of range is a usage error naming the rule; status on a device without PKA exits 1', async (t) => {
  const { run } = await devices();
  for (const bad of ['3:4', '0:0', '91:1', 'two']) {
    const r = await run(['init', '--reader', 'hsm', '--pka', bad, '--yes']);
    t.is(r.code, EXIT.USAGE, bad);
    t.regex(r.stderr, /REQUIRED ≤ TOTAL ≤ 90/);
  }
  const s = await run(['pka', 'status', '--reader', 'alice', '--json']);
  t.is(s.code, EXIT.FAILED);
  t.deepEqual(JSON.parse(s.stdout), { enabled: false });
});
