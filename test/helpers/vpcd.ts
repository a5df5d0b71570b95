import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { serveVpcd, VPCD, type VpcdEvent, type VpcdHandle } from '../../src/sim/vpcd.ts';
import type { VirtualCard } from '../../src/sim/virtual-card.ts';
import { listReaders, type PcscReaderInfo } from '../../src/transport/pcsc.ts';
import { lockAllPorts, lockAnyPort, type PortLock, LOCK_WAIT_MS } from './vpcd-lock.ts';

/**
 * Tests against the REAL PC/SC stack: a virtual card served to pcscd through vpcd, reached by schsm's
 * PC/SC transport or by OpenSC's tools, exactly as a USB token would be.
 */

export const VPCD_PORTS: readonly number[] = [VPCD.PORT, VPCD.PORT + 1];

export interface VirtualReader {
  /** PC/SC reader name ("Virtual PCD 00 01"). */
  readonly readerName: string;
  readonly port: number;
  /** The reader's index in pcscd's list, as `opensc-tool -r N` and `schsm --reader N` take it. */
  readonly index: number;
  readonly vpcd: VpcdHandle;
  /** Link events seen so far (ATR polls, power, APDUs). */
  readonly events: VpcdEvent[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Poll pcscd until `predicate` holds for the named reader; return that reader's info. */
export async function waitForReader(
  readerName: string,
  predicate: (r: PcscReaderInfo) => boolean,
  timeoutMs: number,
  what: string,
): Promise<PcscReaderInfo> {
  const deadline = Date.now() + timeoutMs;
  let last: PcscReaderInfo | undefined;
  for (;;) {
    last = (await listReaders({ timeoutMs: 3000 })).find((r) => r.name === readerName);
    if (last !== undefined && predicate(last)) return last;
    if (Date.now() > deadline)
      throw new Error(
        `pcscd did not report ${what} in "${readerName}" within ${timeoutMs} ms (last state: ${last === undefined ? 'no such reader' : last.state.join('|')})`,
      );
    await sleep(50);
  }
}

/** Wait until vpcd talks to this client: only the client vpcd accepted gets its ATR polls. */
function waitForLink(events: VpcdEvent[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = setInterval(() => {
      const linked = events.some((e) => e.kind === 'atr');
      if (linked || Date.now() - started > timeoutMs) {
        clearInterval(tick);
        resolve(linked);
      }
    }, 20);
  });
}

export interface WithVirtualCardOptions {
  /** How long to wait for a free vpcd port (default 180 s). */
  readonly lockTimeoutMs?: number;
  /**
   * Hold BOTH vpcd readers, the other one left empty. For tests that run pkcs11-tool: OpenSC's PKCS#11
   * module detects and connects to the card in every reader (card_detect_all) and SELECTs the applet
   * there, which logs out a card another test is using and keeps a SHARED connection to it until the
   * tool exits.
   */
  readonly allReaders?: boolean;
}

/** A vpcd slot that is ours: the port lock is held AND vpcd talks to our socket. */
interface Slot {
  readonly vpcd: VpcdHandle;
  readonly events: VpcdEvent[];
  release(): Promise<void>;
}

/**
 * Lock a port and connect. A process that ignores the lock may still hold the port (vpcd then leaves
 * us in its listen backlog and never polls): give up that port after a while and try again.
 */
async function acquireSlot(card: VirtualCard, timeoutMs: number, allReaders: boolean): Promise<Slot> {
  const deadline = Date.now() + timeoutMs;
  const what = `withVirtualCard pid ${process.pid} ${process.argv[1] ?? ''}${allReaders ? ' (all readers)' : ''}`;
  for (let attempt = 0; ; attempt++) {
    const wait = Math.max(1000, deadline - Date.now());
    const locks: PortLock[] = allReaders ? await lockAllPorts(VPCD_PORTS, what, wait) : [await lockAnyPort(VPCD_PORTS, what, wait)];
    const release = async (): Promise<void> => {
      for (const lock of [...locks].reverse()) await lock.release();
    };
    const events: VpcdEvent[] = [];
    const vpcd = serveVpcd(card, { port: locks[0]!.port, onEvent: (e) => events.push(e) });
    if (await waitForLink(events, 5000)) return { vpcd, events, release };
    await vpcd.close();
    await release();
    if (Date.now() > deadline) {
      throw new Error(
        `vpcd never polled the card on ports ${VPCD_PORTS.join('/')} (${attempt + 1} attempts): is pcscd running with vsmartcard-vpcd, or does a process that ignores the lock hold the ports? (\`ss -tnp | grep 3596\`)`,
      );
    }
    await sleep(200 + Math.random() * 300);
  }
}

/**
 * Serve `card` in one of the two vpcd readers for the duration of `fn`: take the cross-process port
 * lock, connect to vpcd, wait until pcscd reports this card's ATR in the reader, run `fn`, then pull
 * the card and wait until pcscd reports the reader empty (so the next user starts clean).
 */
export async function withVirtualCard<T>(
  card: VirtualCard,
  fn: (reader: VirtualReader) => Promise<T>,
  options: WithVirtualCardOptions = {},
): Promise<T> {
  const slot = await acquireSlot(card, options.lockTimeoutMs ?? LOCK_WAIT_MS, options.allReaders ?? false);
  const { vpcd, events } = slot;
  try {
    const info = await waitForReader(vpcd.readerName, (r) => r.cardPresent && sameBytes(r.atr, card.atr), 10_000, 'the virtual card');
    return await fn({ readerName: vpcd.readerName, port: vpcd.port, index: info.index, vpcd, events });
  } finally {
    await vpcd.close();
    await waitForReader(vpcd.readerName, (r) => !r.cardPresent, 5000, 'the card removed').catch(() => undefined);
    await slot.release();
  }
}

/**
 * Serve one card in EACH vpcd reader (cards[0] in "Virtual PCD 00 00", cards[1] in "Virtual PCD 00 01")
 * for the duration of `fn`: both port locks are taken (in order, so waiting cannot deadlock), each card
 * is linked and reported present by pcscd before `fn` runs, and pulled out afterwards.
 */
export async function withVirtualCards<T>(
  cards: readonly [VirtualCard, VirtualCard],
  fn: (readers: readonly [VirtualReader, VirtualReader]) => Promise<T>,
  options: { readonly lockTimeoutMs?: number } = {},
): Promise<T> {
  const locks = await lockAllPorts(
    VPCD_PORTS,
    `withVirtualCards pid ${process.pid} ${process.argv[1] ?? ''}`,
    options.lockTimeoutMs ?? LOCK_WAIT_MS,
  );
  const served: Array<{ vpcd: VpcdHandle; events: VpcdEvent[] }> = [];
  try {
    for (const [i, card] of cards.entries()) {
      const events: VpcdEvent[] = [];
      served.push({ vpcd: serveVpcd(card, { port: VPCD_PORTS[i] as number, onEvent: (e) => events.push(e) }), events });
      if (!(await waitForLink(events, 10_000))) throw new Error(`vpcd never polled the card on port ${VPCD_PORTS[i]}`);
    }
    const readers: VirtualReader[] = [];
    for (const [i, { vpcd, events }] of served.entries()) {
      const card = cards[i] as VirtualCard;
      const info = await waitForReader(vpcd.readerName, (r) => r.cardPresent && sameBytes(r.atr, card.atr), 10_000, 'the virtual card');
      readers.push({ readerName: vpcd.readerName, port: vpcd.port, index: info.index, vpcd, events });
    }
    return await fn([readers[0] as VirtualReader, readers[1] as VirtualReader]);
  } finally {
    for (const { vpcd } of served) {
      await vpcd.close();
      await waitForReader(vpcd.readerName, (r) => !r.cardPresent, 5000, 'the card removed').catch(() => undefined);
    }
    for (const lock of [...locks].reverse()) await lock.release();
  }
}

let availability: Promise<string | undefined> | undefined;

/** Why the PC/SC stack cannot be used here (undefined when pcscd and both vpcd readers are available). */
export function pcscdMissing(): Promise<string | undefined> {
  availability ??= (async () => {
    const socket = process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
    if (!existsSync(socket)) return `pcscd is not running (no socket ${socket}); start it with \`pcscd -f &\``;
    try {
      const names = (await listReaders({ timeoutMs: 3000 })).map((r) => r.name);
      const missing = VPCD_PORTS.map((p) => `Virtual PCD 00 0${p - VPCD.PORT}`).filter((n) => !names.includes(n));
      if (missing.length > 0) return `pcscd has no vpcd reader(s) ${missing.join(', ')} (install vsmartcard-vpcd and restart pcscd)`;
      return undefined;
    } catch (error) {
      return `PC/SC unavailable: ${(error as Error).message}`;
    }
  })();
  return availability;
}

/**
 * Gate for tests that need pcscd + vpcd. Returns true when they are available. Otherwise, in CI
 * (`CI` set) the test FAILS; elsewhere it passes vacuously and says so loudly (t.log and a banner on
 * stderr naming the test and what is missing). Use: `if (!(await requirePcscd(t))) return;`.
 */
export async function requirePcscd(t: ExecutionContext): Promise<boolean> {
  const missing = await pcscdMissing();
  if (missing === undefined) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') {
    t.fail(`needs pcscd + vpcd, which CI must provide: ${missing}`);
    return false;
  }
  t.log(`SKIPPED (not in CI): ${missing}`);
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPED test "${t.title}": ${missing}\n!! It runs (and must pass) in CI.\n${'!'.repeat(78)}\n`);
  t.pass();
  return false;
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run an OpenSC (or pcsc-tools) program, bounded by `timeoutMs`; never throws for a non-zero exit. */
export function runTool(
  program: string,
  args: readonly string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(program, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 128;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `opensc-tool -r <index of readerName> …args`. */
export async function openscTool(readerName: string, args: readonly string[], timeoutMs?: number): Promise<ToolResult> {
  return runTool('opensc-tool', ['-r', String(await openscReaderIndex(readerName)), ...args], timeoutMs);
}

/** The index OpenSC's tools give `readerName` (from `opensc-tool -l`: "Nr.  Card  Features  Name"). */
export async function openscReaderIndex(readerName: string): Promise<number> {
  const { stdout, stderr, code } = await runTool('opensc-tool', ['-l'], 20_000);
  for (const line of stdout.split('\n')) {
    const m = /^(\d+)\s+\S+\s+(.*?)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2]?.endsWith(readerName) === true) return Number(m[1]);
  }
  throw new Error(`opensc-tool -l (exit ${code}) does not list "${readerName}":\n${stdout}${stderr}`);
}

/**
 * Serve two cards at once, `first` in one vpcd reader and `second` in the other (both port locks are
 * ours), for tests that drive two devices together (`pka auth --with`); both are pulled afterwards.
 */
export async function withTwoVirtualCards<T>(
  first: VirtualCard,
  second: VirtualCard,
  fn: (a: VirtualReader, b: VirtualReader) => Promise<T>,
  options: { readonly lockTimeoutMs?: number } = {},
): Promise<T> {
  const what = `withTwoVirtualCards pid ${process.pid} ${process.argv[1] ?? ''}`;
  const locks = await lockAllPorts(VPCD_PORTS, what, options.lockTimeoutMs ?? LOCK_WAIT_MS);
  const served: { card: VirtualCard; vpcd: VpcdHandle; events: VpcdEvent[] }[] = [];
  try {
    for (const [i, card] of [first, second].entries()) {
      const events: VpcdEvent[] = [];
      served.push({ card, vpcd: serveVpcd(card, { port: locks[i]!.port, onEvent: (e) => events.push(e) }), events });
    }
    const readers: VirtualReader[] = [];
    for (const s of served) {
      if (!(await waitForLink(s.events, 10_000))) throw new Error(`vpcd never polled the card on port ${s.vpcd.port}`);
      const info = await waitForReader(s.vpcd.readerName, (r) => r.cardPresent && sameBytes(r.atr, s.card.atr), 10_000, 'the virtual card');
      readers.push({ readerName: s.vpcd.readerName, port: s.vpcd.port, index: info.index, vpcd: s.vpcd, events: s.events });
    }
    return await fn(readers[0]!, readers[1]!);
  } finally {
    for (const s of served) {
      await s.vpcd.close();
      await waitForReader(s.vpcd.readerName, (r) => !r.cardPresent, 5000, 'the card removed').catch(() => undefined);
    }
    for (const lock of [...locks].reverse()) await lock.release();
  }
}
