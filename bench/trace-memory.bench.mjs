// Peak memory of `schsm trace show | import | diff` on a 1 GiB trace (issue 9 #10: ≤ 200 MB RSS, as a
// ratio peak / 200 MB ≤ 1),
// next to peers that stream the same file with constant memory (`wc -l`, `grep -c`), in the same run:
// median and spread of ≥ 5 interleaved rounds. Peak RSS is the kernel's high-water mark: the child's
// maximum resident set from wait4() as GNU time reports it (`/usr/bin/time -f %M`) when that is
// installed, else VmHWM polled from /proc/PID/status while the process runs (a short peer like
// `grep -c` on a cached file can end before the first poll); a run whose peak cannot be read FAILS
// the bench.
// Uses ../bin/schsm.js over ../dist (built by `npm run bench`). Alone: `node bench/trace-memory.bench.mjs [MiB] [rounds]`.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, NotMeasured, spread, target } from './lib/figures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'schsm.js');
const LIMIT_MB = 200;
const GNU_TIME = '/usr/bin/time';
const MAXRSS = 'schsm-bench-maxrss-kb:';

/** A trace of about `mib` MiB: realistic exchanges (SELECT with FCP, READ BINARY of 251 bytes, VERIFY, SIGN). */
function writeTrace(file, mib) {
  const hex = (n, seed) =>
    Array.from({ length: n }, (_, i) => ((i * 37 + seed) & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const block = [
    '=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
    '<= 62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00 @0.412ms',
    '=> 00 B1 00 00 04 54 02 00 00 00',
    `<= ${hex(251, 3)} 90 00 @1.204ms`,
    '=> 00 20 00 81 06 .. .. .. .. .. ..  # redacted: PIN (VERIFY)',
    '<= 90 00 @0.300ms',
    `=> 80 68 01 73 00 00 20 ${hex(32, 9)} 02 00`,
    `<= 30 44 02 20 ${hex(32, 5)} 02 20 ${hex(32, 7)} 90 00 @12.000ms`,
    '',
  ].join('\n');
  const chunk = `${block}\n`.repeat(4096);
  const fd = openSync(file, 'w');
  writeSync(fd, '# schsm APDU trace\n# trace-format: 1\n# reader: bench\n\n');
  const target = mib * 1024 * 1024;
  for (let size = 0; size < target; size += Buffer.byteLength(chunk)) writeSync(fd, chunk);
  closeSync(fd);
  return statSync(file).size;
}

/** Run a command with stdout to /dev/null; resolve its peak RSS in MB and its wall time in s. */
function measure(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timed = existsSync(GNU_TIME);
    const child = timed
      ? spawn(GNU_TIME, ['-f', `${MAXRSS}%M`, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let peakKb = 0;
    let err = '';
    const poll = () => {
      if (timed) return;
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has just ended
      }
    };
    const timer = setInterval(poll, 10);
    poll();
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (timed) {
        const m = new RegExp(`${MAXRSS}(\\d+)`).exec(err);
        if (m) peakKb = Number(m[1]);
        err = err.replace(new RegExp(`(Command exited with non-zero status \\d+\\n)?${MAXRSS}\\d+\\n?`), '');
      }
      if (code !== 0 && !(cmd === bin && args[1] === 'diff' && code === 1))
        return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      if (peakKb === 0) return reject(new NotMeasured(`could not read the peak RSS of ${cmd} ${args.join(' ')}`));
      resolve({ mb: peakKb / 1024, s: (performance.now() - t0) / 1000 });
    });
  });
}

const spread1 = (xs) => spread(xs, 1);

export default async function main(mib = 1024, rounds = 5) {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-bench-mem-'));
  try {
    const file = path.join(dir, 'big.trace');
    const size = writeTrace(file, mib);
    console.log(`trace of ${(size / 2 ** 30).toFixed(2)} GiB; ${rounds} interleaved rounds; peak RSS (VmHWM)`);
    const cases = {
      'schsm trace show': () => measure(process.execPath, [bin, 'trace', 'show', file]),
      'schsm trace import -o': () => {
        rmSync(path.join(dir, 'out.trace'), { force: true });
        return measure(process.execPath, [bin, 'trace', 'import', file, '-o', path.join(dir, 'out.trace')]);
      },
      'schsm trace diff (file with itself)': () => measure(process.execPath, [bin, 'trace', 'diff', file, file]),
      'peer: wc -l': () => measure('wc', ['-l', file]),
      "peer: grep -c '^=>'": () => measure('grep', ['-c', '^=>', file]),
    };
    const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of Object.entries(cases)) {
        const x = await run();
        results[name].push(x);
        console.log(`  round ${r + 1}: ${name}: ${x.mb.toFixed(1)} MB, ${x.s.toFixed(1)} s`);
      }
    }
    const figures = [];
    for (const [name, rs] of Object.entries(results)) {
      const mbs = rs.map((x) => x.mb);
      const ss = rs.map((x) => x.s);
      console.log(
        `${name.padEnd(38)} peak RSS median ${median(mbs).toFixed(1)} MB (${spread1(mbs)})   time median ${median(ss).toFixed(1)} s (${spread1(ss)})`,
      );
      if (!name.startsWith('schsm')) continue;
      const v = target(
        `${name}: peak RSS / ${LIMIT_MB} MB`,
        mbs.map((x) => x / LIMIT_MB),
        1,
      );
      console.log(`  ${v.line}`);
      figures.push(v.figure);
    }
    return { figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 5));
