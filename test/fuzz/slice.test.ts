// The CI slice of `npm run fuzz`: every target of test/fuzz/targets.ts (all parsers of outside input and
// the simulator) with a fixed seed and a small budget, so a change that makes a parser crash on
// malformed input fails the suite. The full run (1,000,000 inputs, any seed) is `npm run fuzz`.
import test from 'ava';
import { UsageError } from '../../src/transport/errors.ts';
import { runFuzz } from './engine.ts';
import { fuzzTargets, type FuzzTarget } from './targets.ts';

const SEED = 20_260_901;

test('fixed-seed slice: 8,000 inputs over every target, no crash and no hang', async (t) => {
  t.timeout(300_000);
  const targets = await fuzzTargets();
  t.true(targets.length >= 20, 'every parser and the simulator');
  const report = await runFuzz(targets, { total: 8000, seed: SEED });
  t.true(report.inputs >= 8000);
  t.deepEqual(
    report.findings.map((f) => `${f.kind} in ${f.target}: ${f.detail} (input ${f.input})`),
    [],
  );
  for (const r of report.targets) t.true(r.inputs > 0, r.name);
});

test('the fuzz loop reports an untyped exception as a crash and a typed one as a refusal', async (t) => {
  const broken: FuzzTarget = {
    name: 'self-check',
    weight: 1,
    make: (rng) => rng.int(3),
    feed: (n) => {
      if (n === 0) throw new TypeError('boom');
      if (n === 1) throw new UsageError('bad input');
    },
  };
  const report = await runFuzz([broken], { total: 300, seed: SEED });
  t.is(report.findings.length, 1);
  t.is(report.findings[0]?.kind, 'crash');
  t.regex(report.findings[0]?.detail ?? '', /^TypeError: boom/);
  t.true((report.targets[0]?.refused ?? 0) > 0);
});
