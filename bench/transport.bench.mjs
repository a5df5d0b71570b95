// PC/SC round trip: schsm's PC/SC transport against opensc-tool, the same SELECT to the same echo
// card behind the real pcscd + vpcd. Target: schsm ≤ 0.9 × opensc-tool.
// Method (issue 11 item 18; README "Benchmarks" says why):
//  - the card runs in its own process (bench/echo-card-server.mjs), so the client being measured does
//    not serve the card on its own main thread, and both clients are timed at the same point: the gap
//    between consecutive APDU arrivals at the card (process start and connect do not count);
//  - schsm is warmed up first (JIT, the binding's first calls), then ROUNDS rounds interleave a schsm
//    loop and one opensc-tool call with N -s options, the order alternating per round; each round gives
//    a ratio, the figure is the median of the rounds with the spread (min–max);
//  - shown beside it: schsm's first, cold loop, its client-side round trip and the GC pauses in its
//    loops, and the same loop with the card in the client's own process (as the old bench had it).
// A missing peer (no vpcd port, pcscd, or opensc-tool) is NOT MEASURED and fails the bench.
// Imports ../dist (built by `npm run bench`). Run alone: `npm run bench -- transport`.
import { execFile, fork } from 'node:child_process';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, NotMeasured, spread, target } from './lib/figures.mjs';
import { lockPort } from './vpcd-lock.mjs';

const dir = path.dirname(fileURLToPath(import.meta.url));
const SELECT_HEX = '00A404000AF0736368736D6563686F';
const SELECT = Uint8Array.from(Buffer.from(SELECT_HEX, 'hex'));
const N = 300;
const ROUNDS = 7;
const WARM_UP = 300;
/** opensc-tool's first exchanges of a call (connect, its own probes) are not counted. */
const OPENSC_SKIP = 5;

const run = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 120_000, maxBuffer: 1 << 26, ...opts }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });

/** The card process: ask and wait for one answer. */
function cardProcess(port) {
  const child = fork(path.join(dir, 'echo-card-server.mjs'), [String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = [];
  child.on('message', (m) => waiters.shift()?.(m));
  const ask = (m) =>
    new Promise((resolve) => {
      waiters.push(resolve);
      child.send(m);
    });
  const linked = new Promise((resolve) => {
    waiters.push(resolve);
    setTimeout(() => resolve(undefined), 15_000);
  });
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.send({ stop: true });
      setTimeout(() => child.kill('SIGKILL'), 5000);
    });
  return { linked, ask, stop };
}

async function waitForCard(pcsc, readerName) {
  for (let i = 0; i < 200; i++) {
    const r = (await pcsc.listReaders().catch(() => [])).find((x) => x.name === readerName);
    if (r?.cardPresent) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  return undefined;
}

/** GC pauses (ms) while `fn` runs. */
async function withGc(fn) {
  let pauses = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    const result = await fn();
    await new Promise((r) => setImmediate(r)); // let the observer see the last entries
    return { ...result, gcMs: pauses };
  } finally {
    obs.disconnect();
  }
}

/** N SELECTs on an open transport: median client round trip (µs); the card's cadence comes from `card`. */
async function schsmLoop(t, card, count = N) {
  const { marked } = await card.ask({ mark: true });
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await t.transmit(SELECT);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const { cadence } = await card.ask({ cadence: { from: marked } });
  return { client: median(times), card: cadence };
}

async function openscLoop(index, card) {
  const args = ['-r', String(index)];
  for (let i = 0; i < N; i++) args.push('-s', SELECT_HEX);
  const { marked } = await card.ask({ mark: true });
  await run('opensc-tool', args);
  const { cadence, count } = await card.ask({ cadence: { from: marked + OPENSC_SKIP } });
  if (count < N - OPENSC_SKIP) throw new NotMeasured(`opensc-tool: only ${count + OPENSC_SKIP} of ${N} APDUs reached the card`);
  return { card: cadence };
}

/** The old arrangement: the echo card served from this very process. Median client round trip of `rounds` loops. */
async function sameProcess(mods, port, readerName) {
  const echo = mods.echo.createEchoCard();
  const handle = mods.vpcd.serveVpcd(echo, { port });
  try {
    if ((await waitForCard(mods.pcsc, readerName)) === undefined) return undefined;
    const t = await mods.pcsc.openPcscTransport({ reader: readerName });
    try {
      for (let i = 0; i < WARM_UP; i++) await t.transmit(SELECT);
      const xs = [];
      for (let r = 0; r < 3; r++) {
        const times = [];
        for (let i = 0; i < N; i++) {
          const t0 = process.hrtime.bigint();
          await t.transmit(SELECT);
          times.push(Number(process.hrtime.bigint() - t0) / 1000);
        }
        xs.push(median(times));
      }
      return xs;
    } finally {
      await t.close();
    }
  } finally {
    await handle.close();
  }
}

export default async function transportBench(options = {}) {
  const log = options.log ?? ((s) => console.log(s));
  const mods = {
    vpcd: await import('../dist/sim/vpcd.js'),
    pcsc: await import('../dist/transport/pcsc.js'),
    echo: await import('../dist/sim/echo-card.js'),
  };
  await mods.vpcd.loadQuickAck();
  const lock = await lockPort([35963, 35964], 300_000, 'bench/transport.bench.mjs');
  if (lock === undefined) throw new NotMeasured('PC/SC round trip: no vpcd port free within 5 min (both slots busy)');
  const figures = [];
  try {
    const card = cardProcess(lock.port);
    let result;
    try {
      const readerName = (await card.linked)?.linked;
      if (readerName === undefined)
        throw new NotMeasured(`PC/SC round trip: vpcd never polled the card on port ${lock.port} (pcscd down?)`);
      const reader = await waitForCard(mods.pcsc, readerName);
      if (reader === undefined) throw new NotMeasured(`PC/SC round trip: pcscd did not show the card in "${readerName}"`);
      await run('opensc-tool', ['-r', String(reader.index), '-s', SELECT_HEX]).catch((err) => {
        throw new NotMeasured(
          `the peer, opensc-tool, cannot be run: ${
            String(err.stderr || err.message)
              .trim()
              .split('\n')[0]
          }`,
        );
      });
      const t = await mods.pcsc.openPcscTransport({ reader: readerName });
      try {
        const cold = await schsmLoop(t, card);
        for (let i = 0; i < WARM_UP; i++) await t.transmit(SELECT);
        const schsm = [];
        const opensc = [];
        for (let round = 0; round < ROUNDS; round++) {
          const sides = [
            async () => schsm.push(await withGc(() => schsmLoop(t, card))),
            async () => opensc.push(await openscLoop(reader.index, card)),
          ];
          if (round % 2 === 1) sides.reverse();
          for (const side of sides) await side();
        }
        result = { reader: readerName, cold, schsm, opensc };
      } finally {
        await t.close();
      }
    } finally {
      await card.stop();
    }
    const { reader, cold, schsm, opensc } = result;
    const ratios = schsm.map((s, i) => s.card / opensc[i].card);
    log(`reader "${reader}", echo card in its own process, SELECT, ${ROUNDS} interleaved rounds of ${N} APDUs per side:`);
    log(
      `  schsm PC/SC transport: ${median(schsm.map((s) => s.card)).toFixed(0)} µs between APDUs at the card (spread ${spread(
        schsm.map((s) => s.card),
        0,
      )}); client round trip ${median(schsm.map((s) => s.client)).toFixed(0)} µs; GC pauses ${median(schsm.map((s) => s.gcMs)).toFixed(1)} ms per loop`,
    );
    log(
      `  opensc-tool, one call with ${N} -s per round: ${median(opensc.map((s) => s.card)).toFixed(0)} µs between APDUs at the card (spread ${spread(
        opensc.map((s) => s.card),
        0,
      )})`,
    );
    const v = target('  PC/SC round trip, schsm / opensc-tool', ratios, 0.9);
    log(v.line);
    figures.push(v.figure);
    log(`  schsm's first loop, before warm-up: ${cold.card.toFixed(0)} µs at the card (client ${cold.client.toFixed(0)} µs)`);
    await new Promise((r) => setTimeout(r, 1000)); // pcscd notices the removal
    const same = await sameProcess(mods, lock.port, reader);
    if (same === undefined) throw new NotMeasured('the same-process comparison: pcscd did not show the card again');
    log(
      `  the card served from the client's own process (the old bench): client round trip ${median(same).toFixed(0)} µs (3 loops: ${same.map((x) => x.toFixed(0)).join('/')})`,
    );
    return { figures, schsm, opensc, cold, sameProcess: same };
  } finally {
    await lock.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await transportBench();
