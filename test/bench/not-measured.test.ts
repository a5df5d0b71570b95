// Item 17 of issue 11: a bench that cannot measure its peer FAILS (exit 1, "NOT MEASURED" counted as a
// failure in the summary), never exits 0. The transport bench is run for real (`node bench/run.mjs
// transport`, as `npm run bench -- transport` does) with its peer, opensc-tool, made unavailable (a
// PATH without it). Also: targets are stated as ratios with the median and spread of the rounds.
import test from 'ava';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- a plain .mjs module of the benches, without types
import { median, NotMeasured, target } from '../../bench/lib/figures.mjs';
import { LOCK_WAIT_MS } from '../helpers/vpcd-lock.ts';
import { requirePcscd } from '../helpers/vpcd.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a target is a ratio: median of the rounds with the spread; MET or NOT MET either way round', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  const pcsc = target('round trip', [0.8, 1.2, 0.85, 0.7, 0.95], 0.9);
  t.is(pcsc.figure.ratio, 0.85);
  t.true(pcsc.figure.met);
  t.regex(pcsc.line, /^round trip: ratio 0\.85 \(median of 5 rounds, spread 0\.70–1\.20\) — target ≤ 0\.9: MET$/);
  const rate = target('import', [0.5, 0.6, 0.55, 0.4, 0.7], 1, { max: false });
  t.false(rate.figure.met);
  t.regex(rate.line, /target ≥ 1: NOT MET/);
  t.throws(() => target('nothing', [Number.NaN], 1), { instanceOf: NotMeasured, message: /^NOT MEASURED: nothing/ });
});

test.serial('npm run bench -- transport with opensc-tool missing: NOT MEASURED, counted as failed, exit 1', async (t) => {
  t.timeout(LOCK_WAIT_MS + 180_000);
  if (!(await requirePcscd(t))) return;
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale', '--quiet'], { cwd: root, stdio: 'inherit' });
  const emptyPath = mkdtempSync(path.join(tmpdir(), 'schsm-no-peer-'));
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(
      process.execPath,
      ['bench/run.mjs', 'transport'],
      { cwd: root, env: { ...process.env, PATH: emptyPath }, timeout: LOCK_WAIT_MS + 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : ((error.code as number | undefined) ?? null), out: `${stdout}${stderr}` }),
    );
  });
  t.is(r.code, 1, r.out);
  t.regex(r.out, /transport FAILED: NOT MEASURED: the peer, opensc-tool, cannot be run/);
  t.regex(r.out, /FAILED {2}transport: NOT MEASURED/);
  t.regex(r.out, /0 met, 0 not met, 1 failed \(NOT MEASURED counts as failed\)/);
});
