// Item 14 of issue 11: `schsm sim -vv` logs every APDU the card receives and its answer, and
// `sim --record FILE` writes the card's side as a schsm trace; both redacted like any trace. Run as
// the real CLI (a child process, stopped with SIGINT) behind the real pcscd, driven by OpenSC's
// sc-hsm-tool, whose INITIALIZE carries an SO-PIN and a PIN that must appear nowhere.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTraceFile } from '../../src/trace/load.ts';
import { lockAnyPort, LOCK_WAIT_MS } from '../helpers/vpcd-lock.ts';
import { openscReaderIndex, requirePcscd, runTool, VPCD_PORTS } from '../helpers/vpcd.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SO_PIN = '3537363231383830';
const PIN = '648219';
const PIN_HEX = '363438323139'; // ASCII of 648219, as INITIALIZE and VERIFY carry it

interface Child {
  out: () => string;
  err: () => string;
  stop: () => Promise<number | null>;
  exited: Promise<number | null>;
}

function schsm(args: readonly string[]): Child {
  const script = `const { runCli, defaultContext } = await import(${JSON.stringify(path.join(root, 'src/cli/bin.ts'))}); process.exitCode = await runCli(${JSON.stringify(args)}, defaultContext());`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', DEBUG_COLORS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    child.kill('SIGINT');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  return { out: () => out, err: () => err, stop, exited };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

test.serial('schsm sim -vv --record: every APDU logged and recorded from the card side, PINs never shown', async (t) => {
  t.timeout(LOCK_WAIT_MS + 120_000);
  if (!(await requirePcscd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-sim-record-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const trace = path.join(dir, 'card.trace');
  const lock = await lockAnyPort(VPCD_PORTS, `cli-sim-record test pid ${process.pid}`, LOCK_WAIT_MS);
  try {
    const reader = `Virtual PCD 00 0${lock.port - VPCD_PORTS[0]!}`;
    const sim = schsm(['sim', '--port', String(lock.port), '-vv', '--record', trace]);
    try {
      t.true(await until(() => sim.out().includes('card inserted'), 60_000), `${sim.out()}\n${sim.err()}`);
      t.true(sim.out().includes(`card inserted into "${reader}"`), sim.out());
      t.true(sim.out().includes(`recording the card's side into ${trace}`), sim.out());
      t.regex(sim.err(), /schsm: logging every APDU; PINs, SO-PINs/);
      const init = await runTool(
        'sc-hsm-tool',
        ['-r', String(await openscReaderIndex(reader)), '--initialize', '--so-pin', SO_PIN, '--pin', PIN],
        60_000,
      );
      t.is(init.code, 0, init.stderr);
    } finally {
      t.is(await sim.stop(), 0, sim.err());
    }
    const log = sim.err();
    // the log: the card's side of every exchange, INITIALIZE (80 50) included, its secrets masked
    t.regex(log, /schsm:transport SEND 00A4040[04]0BE82B0601040181C3\d+/i, 'the SELECT of the applet');
    t.regex(log, /schsm:transport SEND 8050000{2}[0-9A-F]{2}(?:[0-9A-F.]{2})*/, 'INITIALIZE is logged');
    t.regex(log, /schsm:transport RECV .*SW=9000/);
    t.regex(log, /SEND 80500000[0-9A-F]{2}[0-9A-F.]*\.\.\.\./, 'INITIALIZE data shown with .. for the secrets');
    // the trace: mode 0600, a valid schsm trace of the same exchanges, the secrets masked
    t.is((await stat(trace)).mode & 0o777, 0o600);
    const text = await readFile(trace, 'utf8');
    t.regex(text, /^# schsm APDU trace/m);
    t.regex(text, new RegExp(`^# reader: ${reader}$`, 'm'));
    t.regex(text, /^# side: card/m);
    t.regex(text, /^# redacted: /m);
    const loaded = loadTraceFile(trace);
    const commands = loaded.records.filter((r) => r.kind === 'exchange');
    t.true(commands.length >= 4, `${commands.length} exchanges recorded`); // OpenSC's probes, SELECT, INITIALIZE
    t.regex(text, /^=> 80 50 00 00 [0-9A-F]{2}(?: \.\.)+ +# redacted: user PIN and SO-PIN/m, 'INITIALIZE is in the trace, its data masked');
    const sendLines = (log.match(/schsm:transport SEND/g) ?? []).length;
    t.is(commands.length, sendLines, 'the log and the trace saw the same exchanges');
    for (const [what, where] of [
      ['the -vv log', log],
      ['the trace', text],
      ['standard output', sim.out()],
    ] as const) {
      const flat = where.replace(/\s/g, '').toUpperCase();
      t.false(flat.includes(PIN_HEX), `${what} shows the PIN`);
      t.false(flat.includes(SO_PIN), `${what} shows the SO-PIN`);
      t.false(where.includes(PIN), `${what} shows the PIN as text`);
    }
  } finally {
    await lock.release();
  }
});

test('schsm sim --record never overwrites an existing file without --force', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-sim-record-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const trace = path.join(dir, 'old.trace');
  await writeFile(trace, 'keep me\n');
  // port 1: no vpcd listens there; the file check comes before anything is served
  const sim = schsm(['sim', '--port', '1', '--record', trace]);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([sim.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), 60_000)))]);
  clearTimeout(timer); // a pending 60 s timer would keep this test file's process alive after its last test
  if (code === null) await sim.stop();
  t.not(code, 0, sim.out());
  t.not(code, null, 'sim refused at once instead of serving');
  t.regex(sim.err(), /old\.trace/);
  t.regex(sim.err(), /--force/);
  t.is(await readFile(trace, 'utf8'), 'keep me\n');
});
