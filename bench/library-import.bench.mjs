// Library import (issue 13 item 9): `import('schsm')` (dist/index.js) and each other entry point as a
// fresh process, next to bare `node -e 0`, in interleaved rounds so that a load change on the machine
// hits both sides of a ratio alike; the figures are the median ratio over ROUNDS rounds with the
// spread, the modules each entry loads, and the size of an esbuild bundle of `schsm` (minified, ES
// module, the native add-ons external). Imports ../dist (built by `npm run bench`). Alone:
// `npm run bench -- library-import`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROUNDS = 9;
const ENTRIES = [
  ['schsm', 'dist/index.js'],
  ['schsm/apdu', 'dist/apdu-entry.js'],
  ['schsm/transport', 'dist/transport/index.js'],
  ['schsm/sim', 'dist/sim/index.js'],
  ['schsm/trace', 'dist/trace/index.js'],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - t0, out })
        : reject(new Error(`NOT MEASURED: node ${args.join(' ')}: exit ${code}\n${out.slice(0, 600)}`)),
    );
  });
}

const importArgs = (file) => ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(path.join(root, file)).href)})`];

export default async function libraryImport() {
  const ratios = new Map(ENTRIES.map(([name]) => [name, []]));
  const bare = [];
  for (let round = 0; round < ROUNDS; round++) {
    const nodeMs = (await timed(['-e', '0'])).ms;
    bare.push(nodeMs);
    for (const [name, file] of ENTRIES) ratios.get(name).push((await timed(importArgs(file))).ms / nodeMs);
  }
  console.log(`bare node -e 0: median ${median(bare).toFixed(0)} ms over ${ROUNDS} rounds`);
  for (const [name, file] of ENTRIES) {
    const r = ratios.get(name);
    const count = JSON.parse((await timed([path.join(root, 'test/helpers/module-count.mjs'), `./${file}`])).out);
    console.log(
      `import('${name}'): ${median(r).toFixed(2)}× bare node (spread ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}), ${count.files.length} modules`,
    );
  }
  const bundle = await build({
    stdin: { contents: "export * from './dist/index.js';", resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    write: false,
    external: ['pcsclite', 'sockopt'],
    logLevel: 'silent',
  });
  const bytes = bundle.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  console.log(`esbuild bundle of schsm (minified ES module): ${(bytes / 1024).toFixed(0)} KiB`);
}
