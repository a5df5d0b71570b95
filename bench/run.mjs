#!/usr/bin/env node
// Runs every bench/*.bench.mjs (alphabetically) or the ones named: `npm run bench -- transport sim`.
// Each module's default export is an async function that prints its own figures; a failing bench is
// reported and the others still run. Exit status 1 when any bench threw.
import { readdirSync } from 'node:fs';
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

let failed = 0;
for (const file of chosen) {
  const name = file.replace('.bench.mjs', '');
  console.log(`\n=== ${name} ===`);
  const t0 = performance.now();
  try {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
    await mod.default();
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.error(`${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
