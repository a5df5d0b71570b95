/**
 * `npm run fuzz [-- --total N] [--seed S] [--only NAME]`: every parser of outside input and the
 * simulator, 1,000,000 inputs by default (test/fuzz/targets.ts). Prints inputs, throughput and the
 * slowest input per target, each finding with the input that caused it, and the peak memory; exits 1
 * on any finding (a crash: an exception that is not one of schsm's typed errors; a hang: > 2 s on one
 * input). The CI runs a short fixed-seed slice of the same targets (slice.test.ts).
 */
import { runFuzz } from './engine.ts';
import { fuzzTargets } from './targets.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const total = Number(arg('total', '1000000'));
const seed = Number(arg('seed', String(Date.now() % 2 ** 31)));
const only = arg('only', '');
console.log(`schsm fuzz: ${total} inputs, seed ${seed} (repeat a run with --seed ${seed})`);
const report = await runFuzz(await fuzzTargets(), {
  total,
  seed,
  ...(only === '' ? {} : { only }),
  onTarget: (r) =>
    console.log(
      `${r.name.padEnd(48)} ${String(r.inputs).padStart(8)} inputs  ${(r.inputs / r.seconds).toFixed(0).padStart(7)}/s  slowest ${r.slowestMs.toFixed(1).padStart(7)} ms  ${String(r.refused).padStart(7)} refused  ${r.findings.length === 0 ? 'ok' : `${r.findings.length} FINDING(S)`}`,
    ),
});
for (const f of report.findings) {
  console.log(`\n${f.kind.toUpperCase()} in ${f.target} (${f.count} input(s)): ${f.detail}\n  input: ${f.input}`);
}
console.log(
  `\n${report.inputs} inputs, ${report.findings.filter((f) => f.kind === 'crash').length} crash(es), ${report.findings.filter((f) => f.kind === 'hang').length} hang(s), peak RSS ${report.peakRssMb.toFixed(0)} MB`,
);
process.exitCode = report.findings.length === 0 ? 0 : 1;
