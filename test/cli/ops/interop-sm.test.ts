/**
 * Secure messaging through the REAL pcscd (simulator behind vpcd), never skipped in CI: `--secure-channel`
 * on a card command and `schsm pin session` run chip authentication and protected APDUs over PC/SC, and
 * OpenSC keeps working with the card afterwards. OpenSC's own chip authentication (`pkcs15-tool
 * --test-session-pin`) needs an OpenSC built with OpenPACE; Debian's 0.23 is not (no libeac, the
 * `perform_chip_authentication` stub), so that tool reports the failure and the test records what it said.
 */
import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { assertNoSecrets, newSim, setupCard, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

test.serial('--secure-channel and pin session over pcscd; OpenSC still reads the card afterwards', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = newSim();
  await setupCard(sim, { options: 0x0005 });
  const dir = tempDir();
  await withVirtualCard(sim, async (reader) => {
    const run = (argv: string[]) => runPcsc(reader.readerName, argv, { env: { P: USER_PIN }, cwd: dir });
    const list = await run(['keys', 'list', '--secure-channel', '--json']);
    t.is(list.code, EXIT.OK, list.stderr);
    t.deepEqual(JSON.parse(list.stdout), []);
    const verify = await run(['pin', 'verify', '--pin-env', 'P', '--secure-channel']);
    t.is(verify.code, EXIT.OK, verify.stderr);
    const session = await run(['pin', 'session', '--pin-env', 'P', '-o', 'session.pin', '--json']);
    t.is(session.code, EXIT.OK, session.stderr);
    const file = path.join(dir, 'session.pin');
    t.is(statSync(file).mode & 0o777, 0o600);
    const pinHex = readFileSync(file, 'utf8').trim();
    t.regex(pinHex, /^[0-9A-F]{16}$/);
    assertNoSecrets(t, session, [pinHex, USER_PIN]);
    t.deepEqual(JSON.parse(session.stdout), { file: 'session.pin', bytes: 8 });

    const idx = String(await openscReaderIndex(reader.readerName));
    const pins = await runTool('pkcs15-tool', ['--reader', idx, '--list-pins']);
    t.is(pins.code, 0, pins.stderr);
    t.regex(pins.stdout, /UserPIN/);
    const openscSm = await runTool('pkcs15-tool', ['--reader', idx, '--test-session-pin', '--pin', USER_PIN]);
    t.log(
      `pkcs15-tool --test-session-pin: exit ${openscSm.code}: ${(openscSm.stdout + openscSm.stderr).trim().split('\n').slice(-2).join(' | ')}`,
    );
    if (openscSm.code === 0) t.regex(openscSm.stdout, /Verified session PIN/);
  });
});
