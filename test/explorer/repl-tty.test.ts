// The real REPL (`node bin/schsm.js explore --sim`) on a pseudo-terminal driven by tmux: prompt,
// colour and NO_COLOR, Tab completion, hidden PIN prompt, busy guard, Ctrl-C, history across restarts
// without the PIN. Needs tmux (CI provides it); builds dist/ first.
import test from 'ava';
import { ensureBuilt, tmuxMissing } from './tmux.ts';
import { runReplScenario } from './repl-scenario.ts';
import { tempDir } from './helpers.ts';

test.before(async () => {
  if (tmuxMissing() === undefined) await ensureBuilt();
});

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
    args: '--sim',
    pin: '648219', // the new default simulator card gets the documentation's example PIN
    stateHome: state,
    cwd: state,
    cardLine: /card: SmartCard-HSM .* in simulator:.*\/schsm\/sim\.json/,
  });
});
