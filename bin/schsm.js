#!/usr/bin/env node
// Thin entry point: everything lives in dist/cli (built by `npm run build`).
import { runCli } from '../dist/cli/main.js';
import { defaultContext } from '../dist/cli/default-context.js';

process.exitCode = await runCli(process.argv.slice(2), defaultContext());
