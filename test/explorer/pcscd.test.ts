// The explorer against the simulator behind the REAL PC/SC stack (pcscd + vpcd, test/helpers/vpcd.ts):
// a script session through `schsm explore --reader`, the interactive REPL on a pseudo-terminal, and a
// card pulled out of the reader mid-session and put back. Never skipped in CI.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { requirePcscd, waitForReader, withVirtualCard } from '../helpers/vpcd.ts';
import { serveVpcd } from '../../src/sim/vpcd.ts';
import { openPcscTransport } from '../../src/transport/pcsc.ts';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';
import { initialisedSim, sessionWithPrompter, tempDir, USER_PIN } from './helpers.ts';
import { ensureBuilt, tmuxMissing } from './tmux.ts';
import { runReplScenario } from './repl-scenario.ts';

function cli(argv: readonly string[], cwd: string): Promise<CliResult> {
  return runCliCaptured(argv, { cwd, env: { XDG_STATE_HOME: cwd }, open: openDefaultTransport });
}

test.serial('script session through pcscd: ls, verify, keys, cat, apdu, -v', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 's.txt'),
    ['pin_info', `verify user ${USER_PIN}`, 'keys generate ec:prime256v1 --label via-pcscd', 'ls', 'cat CE01', 'apdu 84/08', 'status'].join(
      '\n',
    ),
  );
  await withVirtualCard(sim, async (reader) => {
    const r = await cli(['explore', '--reader', reader.readerName, '--script', 's.txt', '-v'], dir);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /logged out, 3 tries left/);
    t.regex(r.stdout, /generated key 1: EC prime256v1 "via-pcscd"/);
    t.regex(r.stdout, /^CC01 +key +EC 256 +key 1 "via-pcscd"$/m);
    t.regex(r.stdout, /self-signature: valid/);
    t.regex(r.stdout, new RegExp(`reader: +${reader.readerName.replace(/ /g, ' ')} \\(ATR 3B FE 18 00 00 81 31 FE 45`));
    t.regex(r.stderr, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.$/m, 'annotated, PIN masked');
    t.notRegex(r.stderr, /no card found/, 'no fallback when the reader has a card');
  });
});

test.serial('interactive REPL on a pseudo-terminal through pcscd', async (t) => {
  if (!(await requirePcscd(t))) return;
  const missing = tmuxMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') return t.fail(`CI must provide tmux: ${missing}`);
    t.log(`SKIPPED (not in CI): ${missing}`);
    return t.pass();
  }
  const bin = await ensureBuilt(); // before taking the reader
  const sim = await initialisedSim();
  const state = tempDir('schsm-repl-pcscd-');
  await withVirtualCard(sim, async (reader) => {
    await runReplScenario(t, {
      bin,
      args: `--reader '${reader.readerName}'`,
      pin: USER_PIN,
      stateHome: state,
      cwd: state,
      cardLine: new RegExp(`card: SmartCard-HSM .* in ${reader.readerName}`),
    });
  });
});

test.serial('card pulled out of the reader mid-session: the shell survives and resumes on re-insertion', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialisedSim();
  await withVirtualCard(sim, async (reader) => {
    const { session, run, output } = await sessionWithPrompter(sim, [], () => openPcscTransport({ reader: reader.readerName }));
    await run('pin_info');
    await reader.vpcd.close(); // the card leaves the reader
    await waitForReader(reader.readerName, (r) => !r.cardPresent, 10_000, 'the card removed');
    const lost = await run('pin_info').then(
      () => undefined,
      (e: Error) => e,
    );
    t.truthy(lost, 'the command fails');
    // pcscd reports the removal on the next transmit (or the reader as unavailable, depending on timing)
    t.regex((lost as { code?: string } | undefined)?.code ?? '', /^ERR_SCHSM_PCSC_(CARD_REMOVED|NO_CARD|UNKNOWN_READER|CARD_RESET)$/);
    t.regex(lost?.message ?? '', new RegExp(reader.readerName));
    t.false(session.connected);
    await run('echo still alive');
    const none = await run('pin_info').then(
      () => undefined,
      (e: Error) => e,
    );
    t.regex(none?.message ?? '', /^no card: /);
    const back = serveVpcd(sim, { port: reader.port }); // put it back
    try {
      await waitForReader(reader.readerName, (r) => r.cardPresent, 10_000, 'the card again');
      await run('pin_info');
      t.true(session.connected);
      t.regex(output(), /still alive/);
      t.is(output().match(/logged out, 3 tries left/g)?.length, 2);
      t.regex(output(), /lost the card connection; the shell stays open/);
    } finally {
      await session.close();
      await back.close();
    }
  });
});
