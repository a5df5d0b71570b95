#!/usr/bin/env node
// Thin entry point: everything lives in dist/bundle (built by `npm run build`, and by `npm ci`/`npm install` through `prepare`).
// Node ≥ 22.1 keeps a V8 code cache of the bundle (module.enableCompileCache); Node 20 has no such API.
import module from 'node:module';

module.enableCompileCache?.();
const { runCli, defaultContext } = await import('../dist/bundle/schsm.js');
process.exitCode = await runCli(process.argv.slice(2), defaultContext());
