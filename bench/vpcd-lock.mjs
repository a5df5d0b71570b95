// The cross-process vpcd port lock of test/helpers/vpcd-lock.ts (same directory, same owner file,
// stale = dead owner pid), for benches that serve a virtual card: they never take a port a test is using.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Lock the first free port of `ports` within `waitMs`; `{port, release()}` or undefined. */
export async function lockPort(ports, waitMs, what) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const port of ports) {
      const dir = path.join(tmpdir(), `schsm-vpcd-${port}.lock`);
      try {
        await mkdir(dir);
        await writeFile(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, since: new Date().toISOString(), what }));
        return { port, release: () => rm(dir, { recursive: true, force: true }) };
      } catch (err) {
        if (err.code !== 'EEXIST') throw err;
        const owner = await readFile(path.join(dir, 'owner.json'), 'utf8').then(JSON.parse, () => undefined);
        if (owner !== undefined && !alive(owner.pid)) await rm(dir, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}
