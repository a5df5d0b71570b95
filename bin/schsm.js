#!/usr/bin/env node
// Thin entry point: everything lives in dist/bundle (built by `npm run build`, and by `npm ci`/`npm install` through `prepare`).
// CommonJS (bin/package.json): a CommonJS entry starts faster than an ES module, and both paths below need no module loader.
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'dist', 'bundle');

/**
 * `schsm --help`, `schsm keys list -h`, `schsm help keys`, `schsm --version`: printed from the help the
 * build rendered with the bundle itself (dist/bundle/help/WIDTH/, src/cli/help-snapshot.ts), without
 * loading the bundle. Only for a command line listed there, at a width rendered there (the width is
 * main.ts's helpWidth(): the terminal's, at most 110, or 100 when stdout is no terminal), and not when
 * YARGS_DISABLE_WRAP changes yargs' layout; anything else takes the normal path.
 */
function printedHelp(argv) {
  if (argv.length === 0 || process.env.YARGS_DISABLE_WRAP) return false;
  if (!argv.includes('--help') && !argv.includes('-h') && argv[0] !== 'help' && argv[0] !== '--version') return false;
  let text;
  try {
    const dir = path.join(BUNDLE, 'help', String(Math.min(110, process.stdout.columns ?? 100)));
    const n = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')).argv[JSON.stringify(argv)];
    if (!Number.isInteger(n)) return false;
    text = readFileSync(path.join(dir, `${n}.txt`), 'utf8');
  } catch {
    return false;
  }
  // a reader that closed the pipe early (`schsm --help | head -1`): exit 0 quietly, as src/cli/closed-pipe.ts does
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.stdout.write(text);
  return true;
}

/**
 * The whole of `file`, read into `into` when it fits there, else into a new buffer. On the machines
 * we measure on, the first write to a fresh page of memory costs ~12 µs (a page fault in a virtual
 * machine): reading the code cache into the pages the bundle's text was read into, once that text has
 * been copied into a string, spares ~170 faults, ~2 ms of every start (issue 11 item 3).
 */
function readWhole(file, into) {
  const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = into !== undefined && into.length >= size ? into : Buffer.allocUnsafeSlow(size);
    let n = 0;
    for (let got = -1; n < size && got !== 0; n += got) got = readSync(fd, buffer, n, size - n, null);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * The CLI bundle, dist/bundle/schsm.cjs (one function expression, scripts/build.mjs buildCliScript),
 * compiled with the V8 code cache the build made for it: functions it holds are not parsed and compiled
 * again. A cache this V8 cannot use (another Node version or V8 flags) is rejected, and the script is
 * compiled as usual.
 */
function loadCli() {
  const vm = require('node:vm');
  const file = path.join(BUNDLE, 'schsm.cjs');
  const text = readWhole(file);
  // latin1: the build made sure the file is ASCII (a one-byte string, made without UTF-8 decoding)
  const source = text.toString('latin1');
  let cachedData;
  try {
    cachedData = readWhole(`${file}.cache`, Buffer.from(text.buffer, text.byteOffset, text.buffer.byteLength - text.byteOffset));
  } catch {}
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cli = { exports: {} };
  const url = require('node:url').pathToFileURL(file).href;
  script.runInThisContext()(cli.exports, require('node:module').createRequire(file), cli, file, BUNDLE, url);
  return cli.exports;
}

if (!printedHelp(process.argv.slice(2))) {
  void loadCli().main(process.argv.slice(2));
}
