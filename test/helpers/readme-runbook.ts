// Running one of README's two-device runbooks as written: the `sh` block between
// `<!-- NAME:begin -->` and `<!-- NAME:end -->`, with the packed executable first on PATH, in a fresh
// work directory, against two fresh simulated SmartCard-HSMs served in both vpcd readers (both port
// locks held) and OpenSC confined to them. Used by test/readme-import.test.ts and
// test/readme-metadata.test.ts.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { serveVpcd } from '../../src/sim/vpcd.ts';
import { openscOnly } from './opensc-conf.ts';
import { buildPackage, ROOT } from './package-build.ts';
import { LOCK_WAIT_MS, lockAllPorts } from './vpcd-lock.ts';
import { VPCD_PORTS, waitForReader } from './vpcd.ts';

/** The shell block README marks with `<!-- NAME:begin -->` … `<!-- NAME:end -->`, or undefined. */
export function readmeBlock(name: string): string | undefined {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const begin = `<!-- ${name}:begin -->\n\`\`\`sh\n`;
  const start = readme.indexOf(begin);
  const end = readme.indexOf(`\`\`\`\n<!-- ${name}:end -->`, start);
  return start < 0 || end < 0 ? undefined : readme.slice(start + begin.length, end);
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 900_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, out: `${stdout}${stderr}` });
    });
  });
}

/** Serve two fresh simulators in both vpcd readers (both port locks held) while `fn` runs. */
async function withTwoDevices<T>(label: string, fn: (readers: [string, string]) => Promise<T>): Promise<T> {
  const locks = await lockAllPorts(VPCD_PORTS, `${label} pid ${process.pid}`, LOCK_WAIT_MS);
  const served = VPCD_PORTS.map((port) => serveVpcd(new SmartCardHsmSimulator(), { port }));
  try {
    const names = served.map((s) => s.readerName) as [string, string];
    for (const name of names) await waitForReader(name, (r) => r.cardPresent, 20_000, 'the simulated device');
    return await fn(names);
  } finally {
    for (const s of served) await s.close();
    for (const lock of [...locks].reverse()) await lock.release();
  }
}

export interface RunbookRun {
  readonly code: number;
  /** stdout and stderr of the whole block. */
  readonly out: string;
  /** The directory the block ran in. */
  readonly work: string;
  /** The readers of HSM A and HSM B (also `$HSM_A`, `$HSM_B` in the block). */
  readonly readers: readonly [string, string];
}

/** Run `block` with `schsm` from the packed package, `$HSM_A`/`$HSM_B` naming the two devices. */
export async function runTwoDeviceRunbook(label: string, block: string): Promise<RunbookRun> {
  const pkg = await buildPackage();
  const bin = mkdtempSync(path.join(tmpdir(), 'schsm-readme-bin-'));
  symlinkSync(path.join(pkg, 'bin', 'schsm.js'), path.join(bin, 'schsm'));
  const work = path.join(mkdtempSync(path.join(tmpdir(), `schsm-${label}-`)), 'work');
  mkdirSync(work);
  return withTwoDevices(label, async ([a, b]) => {
    const env = { ...(await openscOnly([a, b])), PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', HSM_A: a, HSM_B: b };
    const { code, out } = await bash(block, work, env);
    return { code, out, work, readers: [a, b] };
  });
}
