/**
 * The real executable for subprocess tests: build src/ with the package's own build (scripts/build.mjs,
 * as `npm ci` runs it through `prepare`) into a private package directory (dist/, bin/schsm.js,
 * package.json, node_modules linked to the checkout's), once per test process, so that parallel
 * builds in the checkout never race with a running test. Returns the directory.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let built: Promise<string> | undefined;

export function buildPackage(): Promise<string> {
  built ??= new Promise<string>((resolve, reject) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schsm-pkg-'));
    execFile(
      process.execPath,
      [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet', '--outdir', path.join(dir, 'dist')],
      { cwd: ROOT, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err !== null) return reject(new Error(`build failed:\n${stdout}${stderr}`));
        mkdirSync(path.join(dir, 'bin'));
        for (const f of ['schsm.js', 'package.json']) copyFileSync(path.join(ROOT, 'bin', f), path.join(dir, 'bin', f));
        copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
        symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
        resolve(dir);
      },
    );
  });
  return built;
}

/** What a run of `node ARGS` gave: exit code (128 when killed), output, and wall time. */
export interface NodeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Run `node ARGS` in `cwd` (the built package, for `bin/schsm.js`) to its end; killed after `timeoutMs`. */
export function runNode(
  args: readonly string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<NodeRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args],
      { cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 90_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 128,
          stdout: String(stdout),
          stderr: String(stderr),
          ms: Date.now() - t0,
        });
      },
    );
  });
}
