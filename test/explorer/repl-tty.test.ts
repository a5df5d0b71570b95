// The real REPL (`node bin/schsm.js explore --sim`) on a pseudo-terminal driven by tmux: prompt,
// colour and NO_COLOR, Tab completion, hidden PIN prompt, busy guard, Ctrl-C, history across restarts
// without the PIN. Needs tmux (CI provides it); builds dist/ first.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt, TmuxSession, tmuxMissing } from './tmux.ts';
import { runReplScenario } from './repl-scenario.ts';
import { tempDir } from './helpers.ts';

test('interactive session on the built-in simulator', async (t) => {
  const missing = tmuxMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') return t.fail(`CI must provide tmux: ${missing}`);
    t.log(`SKIPPED (not in CI): ${missing}`);
    console.warn(`\n!! SKIPPED "${t.title}": ${missing}; it runs in CI.\n`);
    return t.pass();
  }
  const state = tempDir('schsm-repl-');
  await runReplScenario(t, {
    bin: await ensureBuilt(),
    args: '--sim',
    pin: '648219', // the new default simulator card gets the documentation's example PIN
    stateHome: state,
    cwd: state,
    cardLine: /card: SmartCard-HSM .* in simulator:.*\/schsm\/sim\.json/,
  });
});

test('script mode on a terminal asks an omitted PIN at a hidden prompt', async (t) => {
  const missing = tmuxMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') return t.fail(`CI must provide tmux: ${missing}`);
    t.log(`SKIPPED (not in CI): ${missing}`);
    return t.pass();
  }
  const state = tempDir('schsm-repl-');
  writeFileSync(path.join(state, 'login.txt'), '# log in, then show the PIN state\nverify user\npin_info\n');
  const s = new TmuxSession(
    `node ${await ensureBuilt()} explore --sim --script login.txt`,
    { XDG_STATE_HOME: state, TERM: 'xterm-256color', PATH: process.env.PATH ?? '' },
    state,
  );
  try {
    await s.waitFor(/^User PIN: *$/m);
    s.type('648219');
    s.keys('Enter');
    const screen = await s.waitFor(/\[exit 0\]/);
    t.regex(screen, /Code correct: user PIN \(0x81, CHV129\) verified\.\s+user PIN \(0x81, CHV129\): logged in$/m);
    t.false(screen.includes('648219'), 'the typed PIN is not echoed, and nothing else prints it');
  } finally {
    s.kill();
  }
});
