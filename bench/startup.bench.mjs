// CLI start-up (issue 11 items 2, 3): each command as a fresh process, next to `node -e 0`, in
// interleaved rounds (node, then every schsm command, then again), so a load change on the machine
// hits both sides of a ratio alike. Each round gives a ratio command / node of that round; the
// figures are the median over ROUNDS rounds with the spread (min–max). Target: ≤ 1.5 for `--help`,
// `readers` (pcscd, with the simulator served through vpcd) and `apdu` (in-process simulator, and
// through pcscd to the served simulator). `npm start` (the explorer on a built tree, up to its
// first answer and out) is timed as well: target ≤ 2 s.
// A command that fails, or a simulator that cannot be served, is NOT MEASURED and fails the bench.
// Imports ../dist (built by `npm run bench`). Run alone: `npm run bench -- startup`.
// Before/after: SCHSM_BENCH_BEFORE=DIR (another checkout, built) runs the same commands from DIR in
// the same rounds, so both sides see the same load.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, NotMeasured, spread, target } from './lib/figures.mjs';
import { lockPort } from './vpcd-lock.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const before = process.env.SCHSM_BENCH_BEFORE;
const ROUNDS = 11;
const STARTS = 5;
const TARGET = 1.5;
const SELECT_APPLET = '00A40400:E82B0601040181C31F0201/00';

/** Run a command to its end; wall time in ms. Throws (NOT MEASURED) when it fails or says the wrong thing. */
function timed({ cmd, args, cwd = root, expect, stdin = '' }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || !expect.test(out))
        reject(new NotMeasured(`${[cmd, ...args].join(' ')}: exit ${code}\n${out.trim().slice(0, 600)}`));
      else resolve(ms);
    });
  });
}

/** Serve a fresh simulator through vpcd on a locked port, until pcscd shows its card. */
async function serveSimulator() {
  const vpcd = await import('../dist/sim/vpcd.js');
  const sim = await import('../dist/sim/index.js');
  const pcsc = await import('../dist/transport/pcsc.js');
  const lock = await lockPort([vpcd.VPCD.PORT, vpcd.VPCD.PORT + 1], 600_000, 'bench/startup.bench.mjs');
  if (lock === undefined) throw new NotMeasured('no vpcd port free within 10 min (both slots busy)');
  const handle = vpcd.serveVpcd(new sim.SmartCardHsmSimulator(), { port: lock.port });
  const stop = async () => {
    await handle.close();
    await lock.release();
  };
  for (let i = 0; i < 300; i++) {
    const r = await pcsc.listReaders().catch(() => []);
    if (r.some((x) => x.name === handle.readerName && x.cardPresent)) return { reader: handle.readerName, stop };
    await new Promise((res) => setTimeout(res, 50));
  }
  await stop();
  throw new NotMeasured(`pcscd did not show the simulator in "${handle.readerName}" within 15 s (pcscd down?)`);
}

/** The schsm commands of the checkout in `dir`, labelled with `suffix`. */
function commands(dir, reader, suffix) {
  const schsm = (args, expect) => ({ cmd: process.execPath, args: [path.join(dir, 'bin', 'schsm.js'), ...args], cwd: dir, expect });
  const escaped = reader.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    [`schsm --help${suffix}`]: schsm(['--help'], /Usage: schsm <command>/),
    [`schsm readers${suffix}`]: schsm(['readers'], new RegExp(`${escaped}\\n\\s+card present`)),
    [`schsm apdu --sim${suffix}`]: schsm(['apdu', '--sim', SELECT_APPLET], /\| 90 00 /),
    [`schsm apdu --reader (sim via pcscd)${suffix}`]: schsm(['apdu', '--reader', reader, SELECT_APPLET], /\| 90 00 /),
  };
}

/** `npm start` on a built tree: npm, the build's freshness check, the explorer on a fresh simulated card. */
function npmStart(dir) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return { cmd: npm, args: ['start', '--silent', '--', '--sim', '--ephemeral'], cwd: dir, stdin: 'echo ready\nquit\n', expect: /^ready$/m };
}

async function rounds(cmds, n) {
  const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (const c of Object.values(cmds)) await timed(c); // warm the file cache once
  for (let round = 0; round < n; round++) for (const [name, c] of Object.entries(cmds)) times[name].push(await timed(c));
  return times;
}

export default async function startupBench(options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const served = await serveSimulator();
  let times;
  try {
    const cmds = {
      'node -e 0': { cmd: process.execPath, args: ['-e', '0'], expect: /^$/ },
      ...commands(root, served.reader, ''),
      ...(before === undefined ? {} : commands(before, served.reader, ' [before]')),
    };
    times = await rounds(cmds, ROUNDS);
  } finally {
    await served.stop();
  }
  const base = times['node -e 0'];
  log(`CLI start-up, ${ROUNDS} interleaved rounds (median, spread min–max); simulator served in "${served.reader}":`);
  if (before !== undefined) log(`  [before]: the same commands from ${before}, in the same rounds`);
  log(`  node -e 0: ${median(base).toFixed(0)} ms (${spread(base, 0)})`);
  const result = { rounds: ROUNDS, nodeMs: median(base), figures: [] };
  for (const [name, xs] of Object.entries(times)) {
    if (name === 'node -e 0') continue;
    const ratios = xs.map((x, i) => x / base[i]);
    if (name.endsWith('[before]')) {
      log(
        `  ${name}: ${median(xs).toFixed(0)} ms (${spread(xs, 0)}); ratio to node -e 0: ${median(ratios).toFixed(2)} (${spread(ratios, 2)})`,
      );
      continue;
    }
    const v = target(`  ${name}: ${median(xs).toFixed(0)} ms (${spread(xs, 0)}); / node -e 0`, ratios, TARGET);
    log(v.line);
    result.figures.push({ ...v.figure, name });
    result[name] = { ms: median(xs), ratio: v.figure.ratio, ratioMin: v.figure.min, ratioMax: v.figure.max };
  }
  const starts = await rounds(
    { 'npm start': npmStart(root), ...(before === undefined ? {} : { 'npm start [before]': npmStart(before) }) },
    STARTS,
  );
  for (const [name, xs] of Object.entries(starts)) {
    const ms = median(xs);
    const verdict = name.endsWith('[before]') ? '' : ` — target ≤ 2000 ms: ${ms <= 2000 ? 'MET' : 'NOT MET'}`;
    log(
      `  ${name} (built tree, explorer on the simulator, to its first answer and out): ${ms.toFixed(0)} ms (${spread(xs, 0)}), ${STARTS} runs${verdict}`,
    );
    result[name] = { ms };
  }
  result.met = result.figures.every((f) => f.met) && result['npm start'].ms <= 2000;
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await startupBench();
