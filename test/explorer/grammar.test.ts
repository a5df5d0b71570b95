/**
 * Issue 11 item 10: one grammar for the explorer and the CLI — `keys generate TYPE`, `keys wrap|unwrap
 * FILE --ref N`, `keys delete --ref N --yes` — accepted by both; the older forms still work as aliases
 * (CLI `--type TYPE`, explorer `REF FILE` and `delete REF`), and `--force` never confirms a deletion.
 */
import test from 'ava';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { newSim, runOn, setupCard, tempDir, USER_PIN } from '../cli/ops/helpers.ts';
import { explore, initialisedSim } from './helpers.ts';

const login = `verify user ${USER_PIN}`;

test('CLI: keys generate TYPE, and --type TYPE as before', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const env = { P: USER_PIN };
  const a = await runOn(sim, ['keys', 'generate', 'ec:prime256v1', '--label', 'pos', '--pin-env', 'P', '--json'], { env });
  t.is(a.code, EXIT.OK, a.stderr);
  t.like(JSON.parse(a.stdout), { ref: 1, curve: 'prime256v1', label: 'pos' });
  const b = await runOn(sim, ['keys', 'generate', '--type', 'aes:128', '--pin-env', 'P', '--json'], { env });
  t.is(b.code, EXIT.OK, b.stderr);
  t.like(JSON.parse(b.stdout), { ref: 2, kind: 'aes', size: 128 });
  const none = await runOn(sim, ['keys', 'generate', '--pin-env', 'P'], { env });
  t.is(none.code, EXIT.USAGE);
  t.regex(none.stderr, /name the key type: schsm keys generate TYPE/);
});

test('explorer: the CLI forms (generate --type, wrap/unwrap FILE --ref N, delete --ref N --yes) and the old ones', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const cwd = tempDir();
  const r = await explore(
    sim,
    [
      login,
      'keys generate --type ec:prime256v1 --label cli-form',
      'keys generate ec:prime256v1 --ref 2',
      'keys wrap k1.wrapped --ref 1',
      'keys wrap 2 k2.wrapped',
      'keys unwrap k1.wrapped --ref 3',
      'keys unwrap 4 k2.wrapped',
      'keys delete --ref 3 --yes',
      'keys delete 4 --yes',
      'keys list',
    ],
    { cwd },
  );
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /generated key 1: EC prime256v1 "cli-form"/);
  t.regex(r.stdout, /key 1 wrapped into k1\.wrapped/);
  t.regex(r.stdout, /key 2 wrapped into k2\.wrapped/);
  t.regex(r.stdout, /key 3 unwrapped with its PRKD/);
  t.regex(r.stdout, /key 4 unwrapped with its PRKD/);
  t.regex(r.stdout, /deleted CC03/);
  t.regex(r.stdout, /deleted CC04/);
  t.notRegex(r.stdout.slice(r.stdout.lastIndexOf('Ref')), /^ +[34] /m, 'keys 3 and 4 are gone');
});

test('explorer: keys delete --force is refused with the --yes form; nothing is deleted', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [login, 'keys generate ec:prime256v1', 'keys delete --ref 1 --force']);
  t.is(r.code, 1);
  t.regex(r.stderr, /error: <stdin>:3: keys delete takes --yes to confirm\nhint: --force only overwrites files: keys delete --ref N --yes/);
  t.true(sim.state.keys.has(1));
});
