// Issue 9 finding 12, through the REAL PC/SC stack: a `schsm sim` process serving the card to pcscd
// through vpcd is killed with SIGKILL in the middle of a command. The command must end with exit 3
// and "card removed or unreachable" — not exit 1 and "a response APDU needs at least SW1 SW2".
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { vpcdReaderName } from '../../src/sim/vpcd.ts';
import { decorate } from '../../src/transport/decorate.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { buildPackage } from '../helpers/package-build.ts';
import { VPCD_PORTS, requirePcscd, waitForReader } from '../helpers/vpcd.ts';
import { lockAnyPort, LOCK_WAIT_MS } from '../helpers/vpcd-lock.ts';

const SELECT = '00A40400:E82B0601040181C31F0201/00';

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** Serve a fresh simulated card with `schsm sim` (a separate process) in a locked vpcd reader. */
async function withSimProcess(fn: (reader: string, sim: ChildProcess) => Promise<void>): Promise<void> {
  const dir = await buildPackage();
  const lock = await lockAnyPort(VPCD_PORTS, 'card-vanished test (schsm sim child)', LOCK_WAIT_MS);
  const reader = vpcdReaderName(lock.port);
  const sim = spawn(process.execPath, ['bin/schsm.js', 'sim', '--port', String(lock.port)], { cwd: dir, stdio: 'ignore' });
  try {
    await waitForReader(reader, (r) => r.cardPresent, 20_000, 'the card of the schsm sim process');
    await fn(reader, sim);
  } finally {
    sim.kill('SIGKILL');
    await exited(sim);
    await waitForReader(reader, (r) => !r.cardPresent, 10_000, 'the card removed').catch(() => undefined);
    await lock.release();
  }
}

/** The real PC/SC transport, with `beforeSecond` run when the command's second APDU is about to go out. */
function openWith(beforeSecond: (inner: Transport, command: Uint8Array) => Promise<Uint8Array>) {
  return async (source: Parameters<typeof openDefaultTransport>[0]): Promise<Transport> => {
    const inner = await openDefaultTransport(source);
    let n = 0;
    return decorate(inner, { transmit: (c) => (++n === 2 ? beforeSecond(inner, c) : inner.transmit(c)) });
  };
}

test.serial('card process SIGKILLed while a command is in flight: exit 3, "card removed or unreachable"', async (t) => {
  t.timeout(LOCK_WAIT_MS);
  if (!(await requirePcscd(t))) return;
  await withSimProcess(async (reader, sim) => {
    const open = openWith(async (inner, command) => {
      // Freeze the card process, send, and kill it while pcscd waits for the answer.
      sim.kill('SIGSTOP');
      const answer = inner.transmit(command);
      answer.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      sim.kill('SIGKILL');
      await exited(sim);
      return answer;
    });
    const cwd = mkdtempSync(path.join(tmpdir(), 'schsm-vanish-'));
    const r = await runCliCaptured(['apdu', '--reader', reader, SELECT, '84/08'], { cwd, open });
    t.is(r.code, 3, r.stderr);
    t.regex(r.stderr, /card removed or unreachable/);
    t.notRegex(r.stderr, /SW1 SW2/);
    t.regex(r.stdout, /^=> 00 A4 04 00/m, 'the first APDU went through');
  });
});

test.serial('card process SIGKILLed between two APDUs of a command: exit 3, "card removed or unreachable"', async (t) => {
  t.timeout(LOCK_WAIT_MS);
  if (!(await requirePcscd(t))) return;
  await withSimProcess(async (reader, sim) => {
    const open = openWith(async (inner, command) => {
      sim.kill('SIGKILL');
      await exited(sim);
      return inner.transmit(command);
    });
    const cwd = mkdtempSync(path.join(tmpdir(), 'schsm-vanish-'));
    const r = await runCliCaptured(['apdu', '--reader', reader, SELECT, '84/08'], { cwd, open });
    t.is(r.code, 3, r.stderr);
    t.regex(r.stderr, /card removed or unreachable/);
  });
});
