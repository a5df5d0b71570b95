// Safety audit, PIN guard and erase confirmation through the CLI's paths (issue 9, findings 7 and 8):
// structured commands, raw `schsm apdu` and `schsm run` scripts, against the in-process simulator. No
// path blocks a PIN or erases the device without its explicit flag (--allow-last-try, --yes); with
// the flag it does what was asked. `--force` only ever overwrites files.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import type { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { runSchsm } from '../helpers/cli.ts';
import { newSim, runOn, setupCard, SO_PIN, tempDir, USER_PIN, type RunResult } from '../cli/ops/helpers.ts';

const BAD = '000000';
const env = { P: USER_PIN, BAD, SO: SO_PIN, NEW: '314159', NEW_SO: '0102030405060708' };
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const SELECT = '00A40400:E82B0601040181C31F0201/00';
/** VERIFY of the user PIN with the wrong PIN (§3.6): 00 20 00 81 06 30 30 30 30 30 30. */
const VERIFY_BAD = `0020008106${ascii(BAD)}`;
/** INITIALIZE DEVICE re-initialising with the current SO-PIN and the same user PIN (§3.9, tags 80 81 82 91). */
const INIT = `8050000019 80020001 8106${ascii(USER_PIN)} 8208${SO_PIN} 910103`.replace(/ /g, '');
const LABEL = 0x2f03; // EF 2F03 TokenInfo: user data INITIALIZE erases (§3.9)

/** VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER or INITIALIZE carrying data: what could spend a try. */
const tries = (apdus: readonly Uint8Array[]): number =>
  apdus.filter((a) => [0x20, 0x24, 0x2c, 0x50].includes(a[1] ?? 0) && a.length > 4).length;

async function card(options: { userTries?: number; soTries?: number } = {}): Promise<SmartCardHsmSimulator> {
  const sim = newSim();
  await setupCard(sim);
  if (sim.state.userPin !== undefined && options.userTries !== undefined) sim.state.userPin.retries = options.userTries;
  if (sim.state.soPin !== undefined && options.soTries !== undefined) sim.state.soPin.retries = options.soTries;
  sim.state.files.set(LABEL, Uint8Array.of(0x30, 0x00));
  return sim;
}

function refusedNaming(t: import('ava').ExecutionContext, r: RunResult, flag: string): void {
  t.is(r.code, 4, `exit 4 (refused to protect the card)\n${r.stderr}`);
  t.regex(r.stderr, new RegExp(`error: .*refusing.*\\(${flag}`), `the refusal names ${flag}`);
}

test('finding 7: a job that re-creates its signature file with --force and a wrong PIN never blocks the PIN', async (t) => {
  const sim = await card();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg.txt'), 'to be signed\n');
  const gen = await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env });
  t.is(gen.code, 0, gen.stderr);
  const sign = ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'msg.txt', '--out', 'msg.sig', '--force'];
  const codes: number[] = [];
  for (let run = 0; run < 3; run++) codes.push((await runOn(sim, [...sign, '--pin-env', 'BAD'], { env, cwd: dir })).code);
  t.deepEqual(codes, [1, 1, 4], 'two wrong PINs, then the last try is refused although --force was given');
  t.is(sim.state.userPin?.retries, 1, 'not blocked');
  const allowed = await runOn(sim, [...sign, '--pin-env', 'P', '--allow-last-try'], { env, cwd: dir });
  t.is(allowed.code, 0, allowed.stderr);
  t.is(sim.state.userPin?.retries, 3, '--allow-last-try sent the (right) PIN');
});

test('structured: pin unblock, pin change --so-pin and re-init refuse the last SO-PIN try even with --force', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['unblock', ['pin', 'unblock', '--so-pin-env', 'SO', '--new-pin-env', 'NEW']],
    ['change', ['pin', 'change', '--so-pin', '--pin-env', 'SO', '--new-pin-env', 'NEW_SO']],
    ['init', ['init', '--so-pin-env', 'SO', '--pin-env', 'P', '--yes']],
  ];
  for (const [what, argv] of cases) {
    const sim = await card({ soTries: 1 });
    const apdus: Uint8Array[] = [];
    refusedNaming(t, await runOn(sim, [...argv, '--force'], { env, apdus }), '--allow-last-try');
    t.is(tries(apdus), 0, `${what}: nothing that could spend a try was sent`);
    t.is(sim.state.soPin?.retries, 1, what);
    t.true(sim.state.files.has(LABEL), `${what}: nothing erased`);
    const allowed = await runOn(sim, [...argv, '--allow-last-try'], { env });
    t.is(allowed.code, 0, `${what} with --allow-last-try: ${allowed.stderr}`);
    t.is(sim.state.soPin?.retries, 15, `${what}: the right SO-PIN was sent and restored the counter`);
  }
});

test('raw apdu: VERIFY on the last try is refused (exit 4, PIN not sent); --allow-last-try sends it', async (t) => {
  const sim = await card({ userTries: 1 });
  const apdus: Uint8Array[] = [];
  const refused = await runOn(sim, ['apdu', SELECT, VERIFY_BAD], { env, apdus });
  refusedNaming(t, refused, '--allow-last-try');
  t.regex(refused.stderr, /APDU 2 of 2: refusing to send VERIFY \(user PIN\): only 1 try left/);
  t.regex(refused.stdout, /=> 00 20 00 81\n/, "the guard's status query is shown like any exchange");
  t.is(tries(apdus), 0);
  t.is(sim.state.userPin?.retries, 1);
  const json = await runOn(sim, ['apdu', '--json', SELECT, VERIFY_BAD], { env });
  t.is(json.code, 4);
  t.like(JSON.parse(json.stdout), { ok: false });
  const sent = await runOn(sim, ['apdu', SELECT, `${VERIFY_BAD}=6983`, '--allow-last-try'], { env });
  t.is(sent.code, 0, sent.stderr);
  t.is(sim.state.userPin?.retries, 0, 'with the flag the wrong PIN was sent, and blocked the PIN as asked');
});

test('raw apdu: a malformed VERIFY (Lc 8, 6 bytes) goes through the same guard', async (t) => {
  const sim = await card({ userTries: 1 });
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['apdu', SELECT, `0020008108${ascii(BAD)}`], { env, apdus });
  refusedNaming(t, r, '--allow-last-try');
  t.is(tries(apdus), 0);
});

test('raw apdu: INITIALIZE DEVICE without --yes is refused before anything is sent; with --yes it erases', async (t) => {
  const sim = await card();
  const apdus: Uint8Array[] = [];
  const refused = await runOn(sim, ['apdu', SELECT, INIT], { env, apdus });
  refusedNaming(t, refused, '--yes');
  t.is(tries(apdus), 0);
  t.true(sim.state.files.has(LABEL), 'not erased');
  const erased = await runOn(sim, ['apdu', SELECT, INIT, '--yes'], { env });
  t.is(erased.code, 0, erased.stderr);
  t.false(sim.state.files.has(LABEL), 'erased as asked');
});

function script(lines: readonly string[]): { dir: string; file: string } {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'guard.apdu'), `${lines.join('\n')}\n`);
  return { dir, file: 'guard.apdu' };
}

test('run: three wrong VERIFYs stop at the third with exit 4 naming file:line, never "every expectation held"', async (t) => {
  const sim = await card();
  const { dir, file } = script(['# three wrong PINs', SELECT, `${VERIFY_BAD}=6XXX`, `${VERIFY_BAD}=6XXX`, `${VERIFY_BAD}=6XXX`]);
  const r = await runOn(sim, ['run', file], { env, cwd: dir });
  refusedNaming(t, r, '--allow-last-try');
  t.regex(r.stderr, /error: guard\.apdu:5: refusing to send VERIFY \(user PIN\): only 1 try left/);
  t.notRegex(r.stdout + r.stderr, /every expectation held/);
  t.is(sim.state.userPin?.retries, 1, 'not blocked');
  const json = await runOn(sim, ['run', '--json', file], { env, cwd: dir });
  t.is(json.code, 4);
  t.like(JSON.parse(json.stdout), { ok: false, refused: true });
  const allowed = await runOn(sim, ['run', file, '--allow-last-try'], { env, cwd: dir });
  t.is(allowed.code, 0, allowed.stderr);
  t.is(sim.state.userPin?.retries, 0, 'with the flag the script ran as written');
});

test('run: INITIALIZE DEVICE in a script needs --yes (exit 4 naming file:line)', async (t) => {
  const sim = await card();
  const { dir, file } = script([SELECT, INIT]);
  const r = await runOn(sim, ['run', file], { env, cwd: dir });
  refusedNaming(t, r, '--yes');
  t.regex(r.stderr, /error: guard\.apdu:2: refusing to send INITIALIZE DEVICE \(INS 50\)/);
  t.true(sim.state.files.has(LABEL));
  t.is((await runOn(sim, ['run', file, '--yes'], { env, cwd: dir })).code, 0);
  t.false(sim.state.files.has(LABEL));
});

test('a card that does not report PIN tries (6D00): a raw VERIFY is refused, safe by default', async (t) => {
  const echo = createEchoCard();
  const open = async () => cardTransport(echo, 'echo');
  const r = await runSchsm(['apdu', VERIFY_BAD], open);
  refusedNaming(t, r, '--allow-last-try');
  t.regex(r.stderr, /cannot tell how many tries the user PIN has left \(VERIFY status 00 20 00 81 answered 6D00/);
  t.deepEqual(
    echo.received.map((c) => Buffer.from(c).toString('hex')),
    ['00200081'],
    'only the status query reached the card',
  );
  const allowed = await runSchsm(['apdu', `${VERIFY_BAD}=6D00`, '--allow-last-try'], open);
  t.is(allowed.code, 0, allowed.stderr);
});
