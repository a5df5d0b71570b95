// Safety audit, the explorer's paths (issue 9, findings 7 and 8): script mode (`--script`, stdin) and
// the interactive shell on a pseudo-terminal (tmux, the real `bin/schsm.js explore`). A raw `apdu`
// VERIFY on the last try and a raw INITIALIZE DEVICE are refused naming their flag; `verify`, `change`
// and `unblock` accept --allow-last-try and no longer take --force; with the flag the command is sent.
import test from 'ava';
import path from 'node:path';
import { loadSimulator, saveSimulator, type SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { explore, initialisedSim, SO_PIN, tempDir, USER_PIN } from '../explorer/helpers.ts';
import { ensureBuilt, TmuxSession, tmuxMissing } from '../explorer/tmux.ts';

const LABEL = 0x2f03;
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const VERIFY_BAD = `0020008106${ascii('000000')}`;
/** INITIALIZE DEVICE with the card's current SO-PIN and user PIN (§3.9). */
const INIT = `8050000019800200018106${ascii(USER_PIN)}8208${SO_PIN}910103`;
/** VERIFY, CHANGE, RESET RETRY COUNTER or INITIALIZE with data: what could spend a try or erase. */
const risky = (apdus: readonly Uint8Array[]): number =>
  apdus.filter((a) => [0x20, 0x24, 0x2c, 0x50].includes(a[1] ?? 0) && a.length > 4).length;

async function card(tries: { user?: number; so?: number } = {}): Promise<SmartCardHsmSimulator> {
  const sim = await initialisedSim();
  if (tries.user !== undefined && sim.state.userPin !== undefined) sim.state.userPin.retries = tries.user;
  if (tries.so !== undefined && sim.state.soPin !== undefined) sim.state.soPin.retries = tries.so;
  sim.state.files.set(LABEL, Uint8Array.of(0x30, 0x00));
  return sim;
}

test('script: apdu VERIFY on the last try is refused naming --allow-last-try; with it the PIN is sent', async (t) => {
  const sim = await card({ user: 1 });
  const r = await explore(sim, `apdu ${VERIFY_BAD}`);
  t.is(r.code, 1);
  t.regex(r.stderr, /refusing to send VERIFY \(user PIN\): only 1 try left, a wrong value would block it \(--allow-last-try allows it\)/);
  t.is(risky(r.apdus), 0);
  t.is(sim.state.userPin?.retries, 1);
  const allowed = await explore(sim, `apdu ${VERIFY_BAD}=6983 --allow-last-try`);
  t.is(allowed.code, 0, allowed.stderr);
  t.is(sim.state.userPin?.retries, 0, 'sent as asked');
});

test('script: apdu INITIALIZE DEVICE is refused naming --yes; with --yes it erases', async (t) => {
  const sim = await card();
  const r = await explore(sim, `apdu ${INIT}`);
  t.is(r.code, 1);
  t.regex(r.stderr, /refusing to send INITIALIZE DEVICE \(INS 50\): it erases .* \(--yes confirms the erase\)/);
  t.is(risky(r.apdus), 0);
  t.true(sim.state.files.has(LABEL));
  const erased = await explore(sim, `apdu ${INIT} --yes`);
  t.is(erased.code, 0, erased.stderr);
  t.false(sim.state.files.has(LABEL));
});

test('script: change and unblock on the last SO-PIN try are refused, --force is no way round, --allow-last-try is', async (t) => {
  for (const line of [`change so ${SO_PIN} 0102030405060708`, `unblock user ${SO_PIN}`]) {
    const sim = await card({ so: 1 });
    const refused = await explore(sim, [line, `${line} --force`], { keepGoing: true });
    t.is(refused.code, 1);
    t.regex(refused.stderr, new RegExp(`hint: make sure of the value, then: ${line.split(' ').slice(0, 2).join(' ')} --allow-last-try`));
    t.regex(refused.stderr, /unknown option --force/);
    t.is(risky(refused.apdus), 0);
    const allowed = await explore(sim, `${line} --allow-last-try`);
    t.is(allowed.code, 0, allowed.stderr);
    t.is(sim.state.soPin?.retries, 15, `${line}: sent, and the right SO-PIN restored the counter`);
  }
});

test('interactive shell on a pseudo-terminal: the raw paths refuse without their flags and act with them', async (t) => {
  const missing = tmuxMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') return t.fail(`CI must provide tmux: ${missing}`);
    t.log(`SKIPPED (not in CI): ${missing}`);
    return t.pass();
  }
  const bin = await ensureBuilt();
  const dir = tempDir('schsm-guard-repl-');
  const state = path.join(dir, 'card.json');
  await saveSimulator(await card({ user: 1 }), state);
  const env = { XDG_STATE_HOME: dir, HOME: dir, TERM: 'xterm-256color', NO_COLOR: '1', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const s = new TmuxSession(`node ${bin} explore --sim-state card.json --no-history`, env, dir);
  try {
    await s.waitFor(/schsm \[E82B\/0601\/0401\/81C3\/1F02\/01\]>/);
    s.type(`apdu ${VERIFY_BAD}`);
    s.keys('Enter');
    await s.waitFor(/only 1 try left, a wrong value would block it \(--allow-last-try allows it\)/);
    s.type(`apdu ${INIT}`);
    s.keys('Enter');
    await s.waitFor(/\(--yes confirms the erase\)/);
    s.type('pin_info');
    s.keys('Enter');
    await s.waitFor(/logged out, 1 try left/);
    s.type(`apdu ${VERIFY_BAD}=6983 --allow-last-try`);
    s.keys('Enter');
    await s.waitFor(/Received \(SW1=0x69, SW2=0x83\)/);
    s.type(`apdu ${INIT} --yes`);
    s.keys('Enter');
    await s.waitFor(/Received \(SW1=0x90, SW2=0x00\)/);
    s.type('quit');
    s.keys('Enter');
    await s.waitFor(/\[exit 0\]/);
  } finally {
    s.kill();
  }
  const after = await loadSimulator(state);
  t.false(after?.state.files.has(LABEL) ?? true, 'INITIALIZE with --yes erased the card');
  t.is(after?.state.userPin?.retries, 3, 'the refused VERIFY spent nothing; the confirmed INITIALIZE set the counter anew');
});
