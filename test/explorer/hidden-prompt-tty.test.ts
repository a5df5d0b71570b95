// Issue 9 finding 2, on a real pseudo-terminal (tmux, the real `node bin/schsm.js explore`): at a
// hidden prompt (User PIN, SO-PIN, share password) Ctrl-C discards what was typed — it must not show
// up in the next prompt's line — and gives back a working prompt; Ctrl-D cancels that command only and
// the shell keeps running commands. On 13b3bf7 the cancelled PIN digits stood in the next prompt line
// (`8219ls`), Ctrl-D at `User PIN:` ended the shell, and in script mode it hung.
import test, { type ExecutionContext } from 'ava';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { tempDir } from './helpers.ts';
import { ensureBuilt, ROOT, TmuxSession, tmuxMissing } from './tmux.ts';

/** Distinctive partial secrets typed and then cancelled: they must never appear anywhere. */
const TYPED_PIN = '8219Qz';
const TYPED_SO_PIN = 'C3A59E17';
const TYPED_PASSWORD = 'Peer-DKEK-Pa';
const PROMPT = /^schsm \[E82B\/0601\/0401\/81C3\/1F02\/01\]> ?$/m;

function needsTmux(t: ExecutionContext): boolean {
  const missing = tmuxMissing();
  if (missing === undefined) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') t.fail(`CI must provide tmux: ${missing}`);
  else t.pass(`SKIPPED (not in CI): ${missing}`);
  return false;
}

/** Wait until the cursor line is exactly an empty prompt (nothing left over from the cancelled answer). */
async function emptyPrompt(s: TmuxSession): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!PROMPT.test(s.currentLine())) {
    if (Date.now() > deadline) throw new Error(`the prompt line is ${JSON.stringify(s.currentLine())}, expected an empty prompt`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'gm')) ?? []).length;

/** Cancel the question at `prompt` with `key` after typing `typed`, then prove the shell works (`echo marker`). */
async function cancelAt(s: TmuxSession, line: string, prompt: RegExp, typed: string, key: 'C-c' | 'C-d', marker: string): Promise<void> {
  const before = count(s.screen(), /error: input cancelled/);
  s.type(line);
  s.keys('Enter');
  await s.waitFor(prompt);
  s.type(typed);
  s.keys(key);
  const deadline = Date.now() + 10_000;
  while (count(s.screen(), /error: input cancelled/) <= before) {
    if (Date.now() > deadline) throw new Error(`no "input cancelled" after ${key} at ${prompt}:\n${s.screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await emptyPrompt(s);
  s.type(`echo ${marker}`);
  s.keys('Enter');
  await s.waitFor(new RegExp(`^${marker}$`, 'm'));
}

test('interactive: Ctrl-C and Ctrl-D at User PIN, SO-PIN and password prompts cancel that command only, discarding the typed bytes', async (t) => {
  if (!needsTmux(t)) return;
  const dir = tempDir('schsm-hidden-');
  const stateFile = path.join(dir, 'card.json');
  const card = await SmartCardHsm.open(await createSimulatorTransport({ stateFile }));
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219', retryCounter: 3, dkekShares: 1 });
  await card.close();
  copyFileSync(path.join(ROOT, 'test/sim/fixtures/peer-opensc/07-dkek-share-1.pbe'), path.join(dir, 'share.pbe'));
  const env = { XDG_STATE_HOME: dir, HOME: dir, TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const s = new TmuxSession(`node ${await ensureBuilt()} explore --sim-state card.json`, env, dir);
  try {
    await s.waitFor(PROMPT);
    await cancelAt(s, 'verify user', /^User PIN: *$/m, TYPED_PIN, 'C-c', 'marker-1');
    await cancelAt(s, 'verify user', /^User PIN: *$/m, '', 'C-d', 'marker-2');
    await cancelAt(s, 'change so', /^Current SO-PIN \(16 hex digits\): *$/m, TYPED_SO_PIN, 'C-c', 'marker-3');
    await cancelAt(s, 'dkek import share.pbe', /^Password of share\.pbe: *$/m, TYPED_PASSWORD, 'C-c', 'marker-4');
    await cancelAt(s, 'dkek import share.pbe', /^Password of share\.pbe: *$/m, '', 'C-d', 'marker-5');
    s.type('verify user');
    s.keys('Enter');
    await s.waitFor(/^User PIN: *\n(?![\s\S]*User PIN:)/m);
    s.type('648219');
    s.keys('Enter');
    await s.waitFor(/Code correct: user PIN \(0x81, CHV129\) verified\./);
    await emptyPrompt(s);
    s.keys('Up');
    await new Promise((r) => setTimeout(r, 300));
    t.regex(s.currentLine(), /> verify user$/, 'the history still works after the questions');
    s.keys('C-u');
    s.type('quit');
    s.keys('Enter');
    const screen = await s.waitFor(/\[exit 0\]/);
    for (const typed of [TYPED_PIN, TYPED_SO_PIN, TYPED_PASSWORD, '648219']) t.false(screen.includes(typed), `${typed} on the screen`);
    const history = readFileSync(path.join(dir, 'schsm', 'history'), 'utf8');
    for (const typed of [TYPED_PIN, TYPED_SO_PIN, TYPED_PASSWORD, '648219']) t.false(history.includes(typed), `${typed} in the history`);
  } finally {
    s.kill();
  }
});

test('script mode on a terminal: Ctrl-C and Ctrl-D at a hidden prompt fail that line; --keep-going runs the next', async (t) => {
  if (!needsTmux(t)) return;
  const dir = tempDir('schsm-hidden-');
  writeFileSync(path.join(dir, 's.txt'), 'verify user\necho after-1\nverify user\necho after-2\n');
  const env = { XDG_STATE_HOME: dir, HOME: dir, TERM: 'xterm-256color', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const s = new TmuxSession(`node ${await ensureBuilt()} explore --sim --script s.txt --keep-going`, env, dir);
  try {
    await s.waitFor(/^User PIN: *$/m);
    s.type(TYPED_PIN);
    s.keys('C-c');
    await s.waitFor(/^after-1$/m);
    await s.waitFor(/^after-1\nUser PIN: *$/m);
    s.keys('C-d');
    const screen = await s.waitFor(/\[exit 1\]/);
    t.regex(screen, /^after-2$/m);
    t.is(count(screen, /error: s\.txt:\d: input cancelled/), 2);
    t.false(screen.includes(TYPED_PIN));
  } finally {
    s.kill();
  }
});
