// A child process that serves schsm's echo card through vpcd on the port given in argv[2] and notes
// when each APDU arrives. bench/transport.bench.mjs runs the card here, not in its own process, so
// that the client being measured does not also serve the card on the same main thread (the card side
// costs two thread hops, link thread → main thread → link thread, per APDU): both clients, schsm and
// opensc-tool, then face the same card process, measured at the same point (arrivals at the card).
// IPC: parent sends {mark: true} → child answers {marked: n}; {cadence: {from}} → {cadence: µs, count}.
const port = Number(process.argv[2]);
const vpcd = await import('../dist/sim/vpcd.js');
const echo = await import('../dist/sim/echo-card.js');
await vpcd.loadQuickAck();
const inner = echo.createEchoCard();
const arrivals = [];
const card = {
  get atr() {
    return inner.atr;
  },
  reset: () => inner.reset(),
  process: (c) => {
    arrivals.push(process.hrtime.bigint());
    return inner.process(c);
  },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let linked = false;
const handle = vpcd.serveVpcd(card, {
  port,
  tcpTuning: process.argv[3] !== 'untuned',
  onEvent: (e) => {
    if (e.kind === 'atr' && !linked) {
      linked = true;
      process.send?.({ linked: handle.readerName });
    }
  },
});
process.on('message', async (m) => {
  if (m.mark) process.send?.({ marked: arrivals.length });
  else if (m.cadence) {
    const xs = arrivals.slice(m.cadence.from);
    const gaps = [];
    for (let i = 1; i < xs.length; i++) gaps.push(Number(xs[i] - xs[i - 1]) / 1000);
    process.send?.({ cadence: gaps.length === 0 ? Number.NaN : median(gaps), count: xs.length });
  } else if (m.stop) {
    await handle.close();
    process.exit(0);
  }
});
