// PC/SC transport cost. On one vpcd reader, with schsm's echo card behind pcscd:
//  1. median µs per APDU for 1,000 SELECTs sent by schsm's PC/SC transport, and for ONE
//     `opensc-tool -r N -s <apdu> …` call with 1,000 -s options; ratio schsm / opensc-tool (target ≤ 1.1).
//     Both are timed the same way: the gap between consecutive APDU arrivals at the card, so process
//     start and connect do not count; schsm's own client-side round trip is shown as well.
//  2. the same schsm loop without TCP_NODELAY/TCP_QUICKACK on the card socket (the vpcd stall).
//  3. the 65,538-byte receive buffer against a 258-byte one (the binding allocates it per call),
//     in interleaved rounds.
// (CLI start-up is bench/startup.bench.mjs.)
// Imports ../dist (built by `npm run bench`). Run alone: `npm run bench -- transport`.
import { execFile } from 'node:child_process';
import { lockPort } from './vpcd-lock.mjs';

const SELECT_HEX = '00A404000AF0736368736D6563686F';
const SELECT = Uint8Array.from(Buffer.from(SELECT_HEX, 'hex'));
const N = 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
const run = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 120_000, maxBuffer: 1 << 26, ...opts }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });

/** A card that notes when each APDU arrives (hrtime, ns). */
function timedCard(card) {
  const arrivals = [];
  return {
    arrivals,
    get atr() {
      return card.atr;
    },
    reset: () => card.reset(),
    process: (c) => {
      arrivals.push(process.hrtime.bigint());
      return card.process(c);
    },
  };
}

/** Median gap in µs between consecutive arrivals, over the last `count` APDUs. */
function cadence(arrivals, count) {
  const xs = arrivals.slice(-count);
  const gaps = [];
  for (let i = 1; i < xs.length; i++) gaps.push(Number(xs[i] - xs[i - 1]) / 1000);
  return median(gaps);
}

/** Serve `card` on a locked port until pcscd shows it; returns the handle and the reader. */
async function serve(mods, card, tcpTuning, pinnedPort) {
  const lock =
    pinnedPort === undefined
      ? await lockPort([35963, 35964], 180_000, 'bench/transport.bench.mjs')
      : { port: pinnedPort, release: async () => undefined };
  if (lock === undefined) return undefined;
  const handle = mods.vpcd.serveVpcd(card, { port: lock.port, tcpTuning });
  for (let i = 0; i < 200; i++) {
    const r = (await mods.pcsc.listReaders()).find((x) => x.name === handle.readerName);
    if (r?.cardPresent && Buffer.from(r.atr).equals(Buffer.from(card.atr))) return { handle, lock, reader: r };
    await new Promise((res) => setTimeout(res, 50));
  }
  await handle.close();
  await lock.release();
  return undefined;
}

async function schsmLoop(mods, readerName, card, options = {}) {
  const t = await mods.pcsc.openPcscTransport({ reader: readerName, ...options });
  const times = [];
  try {
    for (let i = 0; i < 20; i++) await t.transmit(SELECT); // warm-up
    for (let i = 0; i < N; i++) {
      const t0 = process.hrtime.bigint();
      await t.transmit(SELECT);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  } finally {
    await t.close();
  }
  return { client: median(times), card: cadence(card.arrivals, N) };
}

async function openscLoop(index, card) {
  const args = ['-r', String(index)];
  for (let i = 0; i < N; i++) args.push('-s', SELECT_HEX);
  const before = card.arrivals.length;
  const t0 = performance.now();
  await run('opensc-tool', args);
  const wall = performance.now() - t0;
  const mine = card.arrivals.slice(before).length;
  return { card: cadence(card.arrivals, N), wallPerApdu: (wall * 1000) / N, apdus: mine };
}

export default async function transportBench() {
  const log = (s) => console.log(s);
  const mods = {
    vpcd: await import('../dist/sim/vpcd.js'),
    pcsc: await import('../dist/transport/pcsc.js'),
    echo: await import('../dist/sim/echo-card.js'),
  };
  await mods.vpcd.loadQuickAck();
  const card = timedCard(mods.echo.createEchoCard());
  const served = await serve(mods, card, true);
  if (served === undefined) {
    log('PC/SC: NOT MEASURED — no vpcd port free and polled by pcscd within 3 min (pcscd down, or both slots busy)');
    return {};
  }
  const { handle, lock, reader } = served;
  let result;
  try {
    const schsm = await schsmLoop(mods, reader.name, card);
    const opensc = await openscLoop(reader.index, card);
    // Receive buffer: interleaved rounds, because a later loop runs warmer than an earlier one.
    const big = [];
    const small = [];
    for (let round = 0; round < 3; round++) {
      big.push((await schsmLoop(mods, reader.name, card, { receiveBufferBytes: 65538 })).client);
      small.push((await schsmLoop(mods, reader.name, card, { receiveBufferBytes: 258 })).client);
    }
    log(`reader "${reader.name}", echo card, ${N} SELECTs each (median per APDU):`);
    log(`  schsm PC/SC transport: ${schsm.card.toFixed(1)} µs between APDUs at the card (client round trip ${schsm.client.toFixed(1)} µs)`);
    log(
      `  opensc-tool, one call with ${N} -s: ${opensc.card.toFixed(1)} µs between APDUs at the card (wall time incl. start-up ${opensc.wallPerApdu.toFixed(1)} µs/APDU)`,
    );
    log(`  ratio schsm / opensc-tool: ${(schsm.card / opensc.card).toFixed(2)} (target ≤ 1.1)`);
    log(
      `  receive buffer 65538 vs 258 bytes, 3 interleaved rounds: ${big.map((x) => x.toFixed(0)).join('/')} vs ${small.map((x) => x.toFixed(0)).join('/')} µs client round trip`,
    );
    result = { schsm, opensc, receiveBuffer: { big, small } };
  } finally {
    await handle.close();
  }
  // The same loop without TCP_NODELAY/TCP_QUICKACK on the card socket, on the same port.
  const plain = timedCard(mods.echo.createEchoCard());
  await new Promise((r) => setTimeout(r, 1000)); // pcscd notices the removal
  const again = await serve(mods, plain, false, lock.port);
  try {
    if (again === undefined) log('  without TCP tuning: NOT MEASURED (the slot was not polled again)');
    else {
      const untuned = await schsmLoop(mods, again.reader.name, plain);
      log(
        `  without TCP_NODELAY/TCP_QUICKACK: ${untuned.card.toFixed(1)} µs between APDUs (client ${untuned.client.toFixed(1)} µs) vs ${result.schsm.card.toFixed(1)} µs with`,
      );
      result.untuned = untuned;
    }
  } finally {
    await again?.handle.close();
    await lock.release();
  }
  return result;
}
