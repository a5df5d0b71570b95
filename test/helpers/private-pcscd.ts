/**
 * A second pcscd, private to one test, with its own vpcd reader serving a simulated card: a "remote
 * host" whose socket schsm reaches with PCSCLITE_CSOCK_NAME, as it would reach one forwarded over SSH.
 *
 * How: `unshare -m` (root, or passwordless sudo) gives pcscd a private mount namespace in which a
 * directory of ours is bind-mounted over /run/pcscd, so it finds neither the main pcscd's pid file nor
 * its socket and makes its own there: outside the namespace that is `<dir>/run/pcscd.comm`, an
 * ordinary path (pcscd 1.9 ignores PCSCLITE_CSOCK_NAME for its own socket). Its reader.conf.d
 * (`pcscd -c DIR`) has one vpcd entry on a free port pair of our own. One vpcd entry per pcscd here;
 * several vpcd entries in ONE pcscd would each need their own copy of libifdvpcd.so, or the second
 * takes over the first one's slots.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { serveVpcd, type VpcdEvent, type VpcdHandle } from '../../src/sim/vpcd.ts';
import type { VirtualCard } from '../../src/sim/virtual-card.ts';

export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PrivatePcscd {
  /** The private pcscd's socket, for PCSCLITE_CSOCK_NAME or `schsm --socket`. */
  readonly socket: string;
  /** Its two readers: `${friendlyName} 00 00` (the card) and `… 00 01` (empty). */
  readonly readerName: string;
  readonly port: number;
  readonly vpcd: VpcdHandle;
  readonly events: readonly VpcdEvent[];
}

/** `[]` as root, `['sudo', '-n']` with passwordless sudo, undefined otherwise. */
function asRoot(): string[] | undefined {
  if (process.getuid?.() === 0) return [];
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return ['sudo', '-n'];
  } catch {
    return undefined;
  }
}

/** Why a private pcscd cannot be made here (undefined: it can). */
export function privatePcscdMissing(): string | undefined {
  if (asRoot() === undefined) return 'a private mount namespace (unshare -m) needs root or passwordless sudo';
  for (const f of ['/usr/bin/unshare', '/usr/sbin/pcscd', VPCD_DRIVER]) if (!existsSync(f)) return `${f} is missing`;
  if (!existsSync('/run/pcscd')) return '/run/pcscd does not exist (pcsc-lite installs it)';
  return undefined;
}

/** Gate like requirePcscd: fails in CI (`CI` set), passes loudly elsewhere. */
export function requirePrivatePcscd(t: ExecutionContext): boolean {
  const missing = privatePcscdMissing();
  if (missing === undefined) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') t.fail(`needs a private pcscd, which CI must allow: ${missing}`);
  else {
    t.log(`SKIPPED (not in CI): ${missing}`);
    t.pass();
  }
  return false;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port P with P and P+1 free (vpcd listens on both), away from the main vpcd's 35963/35964. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 36_100 + Math.floor(Math.random() * 2000) * 2;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair for the private vpcd');
}

async function waitFor(what: string, ms: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`private pcscd: ${what} within ${ms} ms`);
    await sleep(50);
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Start a private pcscd whose vpcd reader `friendlyName 00 00` holds `card` for the duration of `fn`;
 * afterwards the card is pulled, pcscd stopped (its namespace and tmpfs go with it) and its files removed.
 */
export async function withPrivatePcscd<T>(
  card: VirtualCard,
  fn: (p: PrivatePcscd) => Promise<T>,
  friendlyName = 'Remote VPCD',
): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schsm-private-pcscd-'));
  chmodSync(dir, 0o755); // the socket's directory must be reachable by the (maybe unprivileged) client
  const conf = path.join(dir, 'reader.conf.d');
  const run = path.join(dir, 'run');
  mkdirSync(conf);
  mkdirSync(run, { mode: 0o755 });
  const port = await freePortPair();
  const hex = `0x${port.toString(16).toUpperCase()}`;
  writeFileSync(
    path.join(conf, 'vpcd'),
    `FRIENDLYNAME "${friendlyName}"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${hex}\n`,
  );
  let log = '';
  const script = 'mount --bind "$1" /run/pcscd && exec pcscd -f -c "$2"';
  const [cmd = 'unshare', ...rest] = [...(asRoot() ?? []), 'unshare', '-m', 'sh', '-c', script, 'sh', run, conf];
  const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer): void => void (log = (log + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const socket = path.join(run, 'pcscd.comm');
  let vpcd: VpcdHandle | undefined;
  try {
    await waitFor('no socket', 15_000, () => {
      if (child.exitCode !== null) throw new Error(`private pcscd exited (${child.exitCode}): ${log}`);
      return existsSync(socket);
    });
    const events: VpcdEvent[] = [];
    const served = serveVpcd(card, { port, onEvent: (e) => events.push(e) });
    vpcd = served;
    await waitFor('vpcd never polled the card', 15_000, () => events.some((e) => e.kind === 'atr'));
    return await fn({ socket, readerName: `${friendlyName} 00 00`, port, vpcd: served, events });
  } finally {
    await vpcd?.close();
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
