/**
 * Issue 11 item 7: a key ID is written one way everywhere, lowercase hex (as pkcs15-tool -D prints it):
 * the CLI's text and JSON, the explorer, and backup verify --json, for an ID given in upper case.
 */
import test from 'ava';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { explore } from '../explorer/helpers.ts';
import { newSim, PEER_SHARE, runOn, runWith, setupCard, tempDir, USER_PIN } from './ops/helpers.ts';

const env = { P: USER_PIN, PW: PEER_SHARE.password };

test('an ID given as 0A0B1C is 0a0b1c in keys list, generate --json, backup verify --json and the explorer', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  const gen = await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--id', '0A0B1C', '--pin-env', 'P', '--json'], { env });
  t.is(gen.code, EXIT.OK, gen.stderr);
  t.is(JSON.parse(gen.stdout).id, '0a0b1c');
  t.is(JSON.parse((await runOn(sim, ['keys', 'list', '--json'])).stdout)[0].id, '0a0b1c');
  t.regex((await runOn(sim, ['keys', 'list'])).stdout, /^ {2}ID {12}: 0a0b1c$/m);

  t.is((await runOn(sim, ['keys', 'wrap', '--ref', '1', 'k.wrapped', '--pin-env', 'P'], { env, cwd: dir })).code, EXIT.OK);
  const v = await runWith(['backup', 'verify', 'k.wrapped', '--share', PEER_SHARE.file, '--password-env', 'PW', '--json'], {
    env,
    cwd: dir,
  });
  t.is(v.code, EXIT.OK, v.stderr);
  t.is(JSON.parse(v.stdout).prkd.id, '0a0b1c');
  const text = await runWith(['backup', 'verify', 'k.wrapped', '--share', PEER_SHARE.file, '--password-env', 'PW'], { env, cwd: dir });
  t.regex(text.stdout, /^PRKD +: no label, ID 0a0b1c, key ref 1$/m);

  const shell = await explore(sim, ['keys list', 'cat C401']);
  t.is(shell.code, 0, shell.stderr);
  t.regex(shell.stdout, /^ +1 +EC prime256v1 +0a0b1c /m, 'the explorer key table');
  t.regex(shell.stdout, /^ID: +0a0b1c$/m, 'the decoded PRKD');
  t.notRegex(shell.stdout, /0A0B1C/);
});
