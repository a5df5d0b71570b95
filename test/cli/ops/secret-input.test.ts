import test from 'ava';
import { PassThrough } from 'node:stream';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport } from '../../../src/sim/index.ts';
import type { SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { newSim, runOn, runWith, setupCard, tempDir, USER_PIN, type RunResult } from './helpers.ts';

/** A fake terminal on stdin: records raw-mode switches; keystrokes are pushed by the test. */
class FakeTty extends PassThrough {
  isTTY = true;
  isRaw = false;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModes.push(mode);
    return this;
  }
}

/** Type `keys` once the command has written `prompt` (polls the captured stderr). */
function typeAfter(tty: FakeTty, stderr: () => string, steps: readonly (readonly [RegExp, string])[]): void {
  let i = 0;
  const timer = setInterval(() => {
    const step = steps[i];
    if (step === undefined) return clearInterval(timer);
    const [prompt, keys] = step;
    if ((stderr().match(new RegExp(prompt.source, 'g')) ?? []).length > countBefore(steps, i, prompt)) {
      tty.write(keys);
      i++;
    }
  }, 5);
  setTimeout(() => clearInterval(timer), 10_000).unref();
}

function countBefore(steps: readonly (readonly [RegExp, string])[], i: number, prompt: RegExp): number {
  return steps.slice(0, i).filter(([p]) => p.source === prompt.source).length;
}

/** Run `schsm <argv>` on `sim` with a fake terminal on stdin, typing each step's keys at its prompt. */
async function atPrompts(
  sim: SmartCardHsmSimulator,
  argv: readonly string[],
  steps: readonly (readonly [RegExp, string])[],
  cwd?: string,
): Promise<{ r: RunResult; tty: FakeTty }> {
  const tty = new FakeTty();
  let stderr = '';
  const run = runWith(argv, {
    stdinStream: tty,
    isTTY: true,
    open: async () => createSimulatorTransport({ simulator: sim }),
    ...(cwd === undefined ? {} : { cwd }),
    onStderr: (s: string) => (stderr += s),
  });
  typeAfter(tty, () => stderr, steps);
  return { r: await run, tty };
}

test('hidden prompt: the PIN is read in raw mode, never echoed, backspace and Ctrl-U edit it', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const { r, tty } = await atPrompts(
    sim,
    ['pin', 'verify'],
    [[/User PIN: /, `99\u0015${USER_PIN.slice(0, 3)}x\u007f${USER_PIN.slice(3)}\r`]],
  );
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stderr, /^User PIN: \n$/m);
  t.false(r.stderr.includes(USER_PIN.slice(0, 3)), 'no typed character is echoed');
  t.deepEqual(tty.rawModes, [true, false], 'raw mode on for the prompt, restored afterwards');
});

test('hidden prompt: Ctrl-C cancels (exit 130, nothing sent)', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const { r } = await atPrompts(sim, ['pin', 'verify'], [[/User PIN: /, '12\u0003']]);
  t.is(r.code, EXIT.INTERRUPTED);
  t.regex(r.stderr, /no user PIN entered \(input cancelled\)/);
  t.is(sim.state.userPin?.retries, 3);
});

test('a new PIN is asked twice; a mismatch asks again; the entries are never shown', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const { r } = await atPrompts(
    sim,
    ['pin', 'change'],
    [
      [/Current user PIN: /, `${USER_PIN}\r`],
      [/New user PIN: /, '55555555\r'],
      [/Repeat the new user PIN: /, '55555556\r'],
      [/New user PIN: /, '55555577\r'],
      [/Repeat the new user PIN: /, '55555577\r'],
    ],
  );
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stderr, /the two new user PIN entries differ; try again/);
  t.false(r.stderr.includes('5555'));
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env: { P: '55555577' } })).code, EXIT.OK);
});

test('typed-ahead input in one chunk (PIN and its confirmation) is not lost between prompts', async (t) => {
  const sim = newSim();
  await setupCard(sim);
  const { r } = await atPrompts(sim, ['pin', 'change'], [[/Current user PIN: /, `${USER_PIN}\r\n77777777\r\n77777777\r\n`]]);
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stderr, /Repeat the new user PIN: /);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'P'], { env: { P: '77777777' } })).code, EXIT.OK);
});

test('dkek create-share: Ctrl-C at the password prompt exits 130 (no card, no file); Ctrl-C at the repeat prompt too', async (t) => {
  const cwd = tempDir();
  for (const steps of [
    [[/Share password: /, 'secr\u0003']],
    [
      [/Share password: /, 'secret-one\r'],
      [/Repeat the share password: /, '\u0003'],
    ],
  ] as const) {
    const { r } = await atPrompts(newSim(), ['dkek', 'create-share', 'c.pbe'], steps, cwd);
    t.is(r.code, EXIT.INTERRUPTED, r.stderr);
    t.regex(r.stderr, /^error: no share password entered \(input cancelled\)\nhint: nothing was done with it$/m);
    t.notRegex(r.stderr, /card|try again/);
    t.deepEqual(r.sources, [], 'no card opened');
    t.false(existsSync(path.join(cwd, 'c.pbe')));
  }
});

test('dkek create-share: a mistyped confirmation asks again; three mismatches stop with exit 2', async (t) => {
  const cwd = tempDir();
  const retry = await atPrompts(
    newSim(),
    ['dkek', 'create-share', 'ok.pbe'],
    [
      [/Share password: /, 'secret-one\r'],
      [/Repeat the share password: /, 'secret-onf\r'],
      [/Share password: /, 'secret-two\r'],
      [/Repeat the share password: /, 'secret-two\r'],
    ],
    cwd,
  );
  t.is(retry.r.code, EXIT.OK, retry.r.stderr);
  t.regex(retry.r.stderr, /the two share password entries differ; try again/);
  t.true(existsSync(path.join(cwd, 'ok.pbe')));
  const steps: [RegExp, string][] = [];
  for (let i = 0; i < 3; i++) steps.push([/Share password: /, 'secret-one\r'], [/Repeat the share password: /, `secret-x${i}\r`]);
  const gaveUp = await atPrompts(newSim(), ['dkek', 'create-share', 'no.pbe'], steps, cwd);
  t.is(gaveUp.r.code, EXIT.USAGE);
  t.is((gaveUp.r.stderr.match(/try again/g) ?? []).length, 2, 'asked three times');
  t.regex(gaveUp.r.stderr, /^error: the two share password entries differ$/m);
  t.false(existsSync(path.join(cwd, 'no.pbe')));
});
