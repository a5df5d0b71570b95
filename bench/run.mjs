#!/usr/bin/env node
// Runs every bench/*.bench.mjs (alphabetically) or the ones named: `npm run bench -- transport sim`.
// Each module's default export is an async function that prints its own figures and returns
// `{ figures: [{ name, ratio, min, max, rounds, limit, atMost, met }] }` for its targets. A bench that
// throws, or cannot measure a figure or its peer (NOT MEASURED, bench/lib/figures.mjs), FAILS: the
// others still run, and the exit status is 1, so a missing figure is never mistaken for a met one.
// The summary at the end lists every target as a ratio, MET or NOT MET, and every failed bench.
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(`${w}.bench.mjs`) && !all.includes(w));
if (unknown.length > 0) {
  console.error(`no such bench: ${unknown.join(', ')} (available: ${all.map((f) => f.replace('.bench.mjs', '')).join(', ')})`);
  process.exit(2);
}
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.includes(f) || wanted.includes(f.replace('.bench.mjs', '')));

const failed = [];
const figures = [];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const loadBefore = load();
console.log(
  `load average ${loadBefore} on ${cpus().length} CPUs: figures taken on a loaded machine are slower, ratios to a peer measured in the same rounds less so`,
);
for (const file of chosen) {
  const name = file.replace('.bench.mjs', '');
  console.log(`\n=== ${name} ===`);
  const t0 = performance.now();
  try {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
    const result = await mod.default();
    for (const f of result?.figures ?? []) figures.push({ bench: name, ...f });
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const notMeasured = error instanceof Error && error.name === 'NotMeasured';
    failed.push(`${name}: ${notMeasured ? error.message : 'FAILED'}`);
    console.error(
      `${name} FAILED: ${error instanceof Error ? (notMeasured ? error.message : (error.stack ?? error.message)) : String(error)}`,
    );
  }
}
console.log(
  `\n=== summary: targets as ratios (median of the rounds, spread min–max); load average ${loadBefore} before, ${load()} after ===`,
);
for (const f of figures)
  console.log(
    `${f.met ? 'MET    ' : 'NOT MET'} ${f.bench}: ${f.name.trim()}: ${f.ratio.toFixed(2)} (${f.min.toFixed(2)}–${f.max.toFixed(2)}, ${f.rounds} rounds), target ${f.atMost ? '≤' : '≥'} ${f.limit}`,
  );
for (const f of failed) console.log(`FAILED  ${f}`);
console.log(
  `${figures.filter((f) => f.met).length} met, ${figures.filter((f) => !f.met).length} not met, ${failed.length} failed (NOT MEASURED counts as failed)`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
