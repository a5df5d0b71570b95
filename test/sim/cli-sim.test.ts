import test from 'ava';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSim } from '../../src/cli/commands/sim/run.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { UsageError } from '../../src/cli/exit-codes.ts';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { lockAnyPort, LOCK_WAIT_MS } from '../helpers/vpcd-lock.ts';
import { openscReaderIndex, requirePcscd, runTool, VPCD_PORTS } from '../helpers/vpcd.ts';

// `schsm sim`: serves the simulator through vpcd, names the reader, stops cleanly on a signal (an
// AbortSignal here) with the state saved.

function capture(): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    stdin: process.stdin,
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    color: false,
    openTransport: () => Promise.reject(new Error('schsm sim opens no transport')),
  };
  return { ctx, out: () => out, err: () => err };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

test.serial('schsm sim --state FILE: reader named, OpenSC sees a SmartCard-HSM, stop saves the state', async (t) => {
  t.timeout(LOCK_WAIT_MS);
  if (!(await requirePcscd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-cli-sim-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'card.json');
  const lock = await lockAnyPort(VPCD_PORTS, `cli-sim test pid ${process.pid}`, LOCK_WAIT_MS);
  try {
    const { ctx, out } = capture();
    const stop = new AbortController();
    const running = runSim({ port: lock.port, state: file }, ctx, stop.signal);
    const reader = `Virtual PCD 00 0${lock.port - VPCD_PORTS[0]!}`;
    t.true(await until(() => out().includes('card inserted'), 20_000), out());
    t.regex(
      out(),
      new RegExp(
        `serving reader "${reader}" \\(vpcd 127\\.0\\.0\\.1:${lock.port}; /etc/reader\\.conf\\.d/\\S+; pcscd lists it\\); state in ${file.replace(/[.]/g, '\\.')}`,
      ),
    );
    t.true(out().includes(`card inserted into "${reader}"\n`), 'pcscd confirms the card in the announced reader');
    t.regex(out(), /serial UTSM\d{7} \(not initialised\)/);
    let name = '';
    for (let i = 0; i < 50 && !name.includes('SmartCard-HSM'); i++) {
      name = (await runTool('opensc-tool', ['-r', String(await openscReaderIndex(reader)), '-n'], 30_000)).stdout;
      if (!name.includes('SmartCard-HSM')) await new Promise((r) => setTimeout(r, 200));
    }
    t.regex(name, /SmartCard-HSM/);
    const init = await runTool(
      'sc-hsm-tool',
      ['-r', String(await openscReaderIndex(reader)), '--initialize', '--so-pin', '3537363231383830', '--pin', '648219'],
      60_000,
    );
    t.is(init.code, 0, init.stderr);
    stop.abort();
    t.is(await running, 0);
    t.regex(out(), new RegExp(`stopped \\(abort\\); state saved in ${file.replace(/[.]/g, '\\.')}`));
    t.is((await stat(file)).mode & 0o777, 0o600);
    const saved = SmartCardHsmSimulator.fromJSON(JSON.parse(await readFile(file, 'utf8')));
    t.true(saved.state.initialized, 'INITIALIZE through pcscd reached the file');
    t.is(saved.state.dkek, undefined, 'no --dkek-shares: no DKEK');
  } finally {
    await lock.release();
  }
});

test('schsm sim refuses a port that is not a TCP port', async (t) => {
  const { ctx } = capture();
  await t.throwsAsync(runSim({ port: 70000 }, ctx), { instanceOf: UsageError, message: /--port 70000 is not a TCP port/ });
});
