#!/usr/bin/env node
// The whole test suite, as README and .ci/run call it: lint and format check (Biome), type-check, then every ava test (TAP), then one
// plain summary line "N passed, N failed" that CI reads. Exit status 0 only when nothing failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);

function run(cmd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.on('close', (code) => {
      if (buf) onLine(buf);
      resolve(code ?? 1);
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;

process.stdout.write('# lint and format (biome ci)\n');
const lintCode = await run(bin('biome'), ['ci', '--colors=off', '.'], (l) => process.stdout.write(`${l}\n`));
if (lintCode === 0) passed++;
else {
  failed++;
  process.stdout.write('not ok - lint or format drift: run `npm run format` and review the diff\n');
}

process.stdout.write('# type-check (tsc --noEmit)\n');
const tscCode = await run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], (l) => process.stdout.write(`${l}\n`));
if (tscCode === 0) passed++;
else {
  failed++;
  process.stdout.write('not ok - type-check failed\n');
}

process.stdout.write('# ava\n');
const avaCode = await run(bin('ava'), ['--tap', ...extra], (line) => {
  process.stdout.write(`${line}\n`);
  let m;
  if ((m = /^# pass (\d+)/.exec(line))) passed += Number(m[1]);
  else if ((m = /^# fail (\d+)/.exec(line))) failed += Number(m[1]);
  else if ((m = /^# skip (\d+)/.exec(line))) skipped += Number(m[1]);
});
if (avaCode !== 0 && failed === 0) failed++; // ava crashed or a file failed to load

if (skipped > 0) process.stdout.write(`SKIPPED ${skipped} test(s): see the "skipped" notes above\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
