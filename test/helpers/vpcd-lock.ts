import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A cross-process lock on one vpcd port. ava runs test files in parallel processes and other
 * developers run PC/SC tests on the same machine, but vpcd serves exactly one virtual card per port
 * (a second client just waits in the listen backlog). The lock is an atomic `mkdir` under the OS temp
 * directory with the owner's pid inside; a lock whose owner process is gone is stale and taken over.
 */
export interface PortLock {
  readonly port: number;
  release(): Promise<void>;
}

/**
 * How long a test waits for a virtual reader. Generous: within one suite, tests that hold both readers
 * (OpenSC's tools) make others wait for minutes on a loaded 2-core machine; the wait is only a bound on
 * a stuck holder, never a speed assertion. Below ava's 10-minute inactivity timeout.
 */
export const LOCK_WAIT_MS = 540_000;

export const lockPath = (port: number): string => path.join(os.tmpdir(), `schsm-vpcd-${port}.lock`);

interface Owner {
  readonly pid: number;
  readonly since: string;
  readonly what: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours
  }
}

async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/** Try once; true when the lock is ours. Removes a stale lock (dead owner, or no owner file after 10 s). */
export async function tryLock(port: number, what: string): Promise<boolean> {
  const dir = lockPath(port);
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await readOwner(dir);
    const ageMs = await stat(dir).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    const stale = owner === undefined ? ageMs > 10_000 : !alive(owner.pid);
    if (!stale) return false;
    // Rename first: only one of several waiters that saw the same stale lock gets to remove it.
    const grave = `${dir}.stale-${process.pid}-${Date.now()}`;
    const moved = await rename(dir, grave).then(
      () => true,
      () => false,
    );
    if (moved) await rm(grave, { recursive: true, force: true });
    return false; // retry on the next round
  }
  const owner: Owner = { pid: process.pid, since: new Date().toISOString(), what };
  await writeFile(path.join(dir, 'owner.json'), JSON.stringify(owner));
  return true;
}

/** Describe who holds a port (for timeout messages). */
export async function holderOf(port: number): Promise<string> {
  const owner = await readOwner(lockPath(port));
  return owner === undefined ? 'unknown' : `pid ${owner.pid} since ${owner.since} (${owner.what})`;
}

/** Take the lock on the first free port of `ports`, waiting (polling) up to `timeoutMs`. */
export async function lockAnyPort(ports: readonly number[], what: string, timeoutMs: number): Promise<PortLock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const port of ports) {
      if (await tryLock(port, what)) return { port, release: () => rm(lockPath(port), { recursive: true, force: true }) };
    }
    if (Date.now() > deadline) {
      const holders = await Promise.all(ports.map(async (p) => `${p}: ${await holderOf(p)}`));
      throw new Error(
        `no vpcd port free within ${timeoutMs} ms (holders: ${holders.join('; ')}); lock dirs ${ports.map(lockPath).join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
  }
}

/**
 * Take the locks on ALL of `ports`, always in the given order, waiting up to `timeoutMs` in total.
 * Holders of one port never wait for another, and every taker of several ports takes them in the same
 * order, so waiting while holding cannot deadlock. Released in reverse order.
 */
export async function lockAllPorts(ports: readonly number[], what: string, timeoutMs: number): Promise<PortLock[]> {
  const deadline = Date.now() + timeoutMs;
  const held: PortLock[] = [];
  try {
    for (const port of ports) held.push(await lockAnyPort([port], what, Math.max(1000, deadline - Date.now())));
  } catch (error) {
    for (const lock of held.reverse()) await lock.release();
    throw error;
  }
  return held;
}
