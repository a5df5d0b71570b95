// CLI start-up (issue 11 items 2, 3): each command as a fresh process, next to `node -e 0`, in
// interleaved rounds (node, then every schsm command, then again), so a load change on the machine
// hits both sides of a ratio alike. Each round gives a ratio command / node of that round; the
// figures are the median over ROUNDS rounds with the spread (min–max). Target: ≤ 1.5 for `--help`,
// `readers` (pcscd, with the simulator served through vpcd) and `apdu` (in-process simulator, and
// through pcscd to the served simulator). `npm start` (the explorer on a built tree, up to its
// first prompt and out) is timed as well: target ≤ 2 s.
// A command that fails, or a simulator that cannot be served, is NOT MEASURED and fails the bench.
// Imports ../dist (built by `npm run bench`). Run alone: `npm run bench -- startup`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockPort } from './vpcd-lock.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, 'bin', 'schsm.js');
const ROUNDS = 11;
const TARGET = 1.5;
const SELECT_APPLET = '00A40400:E82B0601040181C31F0201/00';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs, digits) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** Run a command to its end; wall time in ms. Throws (NOT MEASURED) when it fails or says the wrong thing. */
function timed({ cmd, args, expect, stdin = '' }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || !expect.test(out))
        reject(new Error(`NOT MEASURED: ${[cmd, ...args].join(' ')}: exit ${code}\n${out.trim().slice(0, 600)}`));
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
  if (lock === undefined) throw new Error('NOT MEASURED: no vpcd port free within 10 min (both slots busy)');
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
  throw new Error(`NOT MEASURED: pcscd did not show the simulator in "${handle.readerName}" within 15 s (pcscd down?)`);
}

function commands(reader) {
  const schsm = (args, expect) => ({ cmd: process.execPath, args: [bin, ...args], expect });
  return {
    'node -e 0': { cmd: process.execPath, args: ['-e', '0'], expect: /^$/ },
    'schsm --help': schsm(['--help'], /Usage: schsm <command>/),
    'schsm readers': schsm(['readers'], new RegExp(`${reader.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\s+card present`)),
    'schsm apdu --sim': schsm(['apdu', '--sim', SELECT_APPLET], /\| 90 00 /),
    'schsm apdu --reader (sim via pcscd)': schsm(['apdu', '--reader', reader, SELECT_APPLET], /\| 90 00 /),
  };
}

export default async function startupBench(options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const served = await serveSimulator();
  const times = {};
  try {
    const cmds = commands(served.reader);
    for (const name of Object.keys(cmds)) times[name] = [];
    for (const c of Object.values(cmds)) await timed(c); // warm the file cache once
    for (let round = 0; round < ROUNDS; round++) for (const [name, c] of Object.entries(cmds)) times[name].push(await timed(c));
  } finally {
    await served.stop();
  }
  const base = times['node -e 0'];
  log(`CLI start-up, ${ROUNDS} interleaved rounds (median, spread min–max); simulator served in "${served.reader}":`);
  log(`  node -e 0: ${median(base).toFixed(0)} ms (${spread(base, 0)})`);
  const result = { rounds: ROUNDS, nodeMs: median(base) };
  let met = true;
  for (const [name, xs] of Object.entries(times)) {
    if (name === 'node -e 0') continue;
    const ratios = xs.map((x, i) => x / base[i]);
    const r = median(ratios);
    met &&= r <= TARGET;
    log(
      `  ${name}: ${median(xs).toFixed(0)} ms (${spread(xs, 0)}); ratio to node -e 0: ${r.toFixed(2)} (${spread(ratios, 2)}) — target ≤ ${TARGET}: ${r <= TARGET ? 'MET' : 'NOT MET'}`,
    );
    result[name] = { ms: median(xs), ratio: r, ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) };
  }
  // npm start on a built tree: npm, the freshness check of scripts/build.mjs, the explorer on a fresh
  // simulated card reading "quit" from stdin (script mode).
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const start = { cmd: npm, args: ['start', '--silent', '--', '--sim', '--ephemeral'], stdin: 'echo ready\nquit\n', expect: /^ready$/m };
  await timed(start);
  const starts = [];
  for (let i = 0; i < 5; i++) starts.push(await timed(start));
  const startMs = median(starts);
  log(
    `  npm start (built tree, explorer on the simulator, to its prompt and out): ${startMs.toFixed(0)} ms (${spread(starts, 0)}), 5 runs — target ≤ 2000 ms: ${startMs <= 2000 ? 'MET' : 'NOT MET'}`,
  );
  result.npmStartMs = startMs;
  result.met = met && startMs <= 2000;
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await startupBench();
