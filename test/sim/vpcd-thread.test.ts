// The vpcd link of src/sim/vpcd.ts runs in its own thread, so that the card answers vpcd's control
// frames (GET ATR, power, reset) while the JS main thread is blocked — e.g. inside a synchronous
// PC/SC call of the pcsclite binding that waits for pcscd, which waits for exactly that answer (the
// deadlock that hung CI). Each test blocks the main thread itself (Atomics.wait) and checks, with a
// clock outside the main thread, that the card answered during the block.
import test from 'ava';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { serveVpcd, type VpcdEvent } from '../../src/sim/vpcd.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import type { VirtualCard } from '../../src/sim/virtual-card.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';
import { hex } from '../helpers/apdu.ts';

const ECHO_ATR = hex('3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41');

/** Block this thread (timers, sockets, promises: nothing runs) for `ms`; returns [start, end] in Date.now(). */
function blockMainThread(ms: number): [number, number] {
  const start = Date.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return [start, Date.now()];
}

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A fake vpcd in its OWN thread (so it keeps running while the test blocks the main thread). On a
 * request it writes the given frames to the card and reports when the answer frame came back
 * (Date.now()) and its bytes. Plain JavaScript: it runs with `eval`.
 */
const FAKE_VPCD = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
let card; let buf = Buffer.alloc(0); let waiting;
const server = net.createServer((s) => {
  card = s; s.setNoDelay(true);
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0) && waiting) {
      const n = buf.readUInt16BE(0); const f = buf.subarray(2, 2 + n); buf = buf.subarray(2 + n);
      const w = waiting; waiting = undefined; w(f);
    }
  });
  parentPort.postMessage({ accepted: true });
});
parentPort.on('message', (m) => {
  if (m.close) { card?.destroy(); server.close(); parentPort.close(); return; }
  const sent = Date.now();
  waiting = (f) => parentPort.postMessage({ sent, answered: Date.now(), answer: f.toString('hex') });
  card.write(Buffer.from(m.write, 'hex'));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

interface FakeAnswer {
  readonly sent: number;
  readonly answered: number;
  readonly answer: string;
}

function startFakeVpcd(): Promise<{ port: number; worker: Worker; next<T>(): Promise<T> }> {
  const worker = new Worker(FAKE_VPCD, { eval: true });
  const inbox: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  worker.on('message', (m) => (waiters.length > 0 ? waiters.shift()?.(m) : inbox.push(m)));
  const next = <T>(): Promise<T> =>
    inbox.length > 0 ? Promise.resolve(inbox.shift() as T) : new Promise<T>((r) => waiters.push(r as (m: unknown) => void));
  return next<{ port: number }>().then(({ port }) => ({ port, worker, next }));
}

test.serial('RESET + GET ATR are answered while the main thread is blocked; the reset reaches the card afterwards', async (t) => {
  const fake = await startFakeVpcd();
  const card = createEchoCard();
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(card, { port: fake.port, onEvent: (e) => events.push(e) });
  try {
    await fake.next(); // accepted
    await until(() => events.some((e) => e.kind === 'connected'));
    // vpcd's reset as pcscd sends it on SCardDisconnect(SCARD_RESET_CARD): 0001 02, then 0001 04.
    fake.worker.postMessage({ write: '000102 000104'.replace(/ /g, '') });
    // Generous block, assertion only on what matters (answered while blocked): a loaded 2-core CI
    // machine may schedule the link thread late, which must not fail the test.
    const [start, end] = blockMainThread(4000);
    const got = await fake.next<FakeAnswer>();
    t.log(
      `main thread blocked ${end - start} ms; RESET + GET ATR sent at +${got.sent - start} ms, ATR back at +${got.answered - start} ms`,
    );
    t.is(got.answer, '3b8a8001736368736d2d6563686f41', 'the echo card ATR');
    t.true(
      got.answered < end - 1000,
      `answered ${got.answered - start} ms into a ${end - start} ms block of the main thread (must be well before its end)`,
    );
    await until(() => events.filter((e) => e.kind === 'atr').length === 1);
    t.is(card.resets, 1, 'the reset was applied to the card once the main thread ran again');
    t.deepEqual(
      events.map((e) => e.kind),
      ['connected', 'reset', 'atr'],
    );
  } finally {
    await handle.close();
    fake.worker.postMessage({ close: true });
    await fake.worker.terminate();
  }
});

test.serial('an ATR that changes on reset is what GET ATR answers after the reset', async (t) => {
  const fake = await startFakeVpcd();
  const echo = createEchoCard();
  const second = hex('3B 80 80 01 01');
  let atr = ECHO_ATR;
  const card: VirtualCard = {
    get atr() {
      return atr;
    },
    reset: () => {
      echo.reset();
      atr = second;
    },
    process: (c) => echo.process(c),
  };
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(card, { port: fake.port, onEvent: (e) => events.push(e) });
  try {
    await fake.next();
    await until(() => events.some((e) => e.kind === 'connected'));
    fake.worker.postMessage({ write: '000104' });
    t.is((await fake.next<FakeAnswer>()).answer, '3b8a8001736368736d2d6563686f41');
    fake.worker.postMessage({ write: '000102' }); // reset: no answer; the main thread tells the link the new ATR
    await until(() => events.some((e) => e.kind === 'reset'));
    // The new ATR travels to the link thread as a message: within moments, not necessarily before
    // the next socket read there. Ask until it shows, for at most a second.
    let answer = '';
    const deadline = Date.now() + 1000;
    while (answer !== '3b80800101' && Date.now() < deadline) {
      fake.worker.postMessage({ write: '000104' });
      answer = (await fake.next<FakeAnswer>()).answer;
      if (answer !== '3b80800101') await new Promise((r) => setTimeout(r, 20));
    }
    t.is(answer, '3b80800101', 'GET ATR answers the ATR the card has after its reset');
  } finally {
    await handle.close();
    fake.worker.postMessage({ close: true });
    await fake.worker.terminate();
  }
});

/**
 * A second PC/SC client in its own process (raw pcsclite binding): connects SHARED to `reader`,
 * prints "connected", and on a line on stdin resets the card (SCardDisconnect SCARD_RESET_CARD: pcscd
 * makes vpcd send RESET then GET ATR, and waits for the ATR), printing "reset <start> <end> <result>".
 */
const RESET_PEER = `
const pcsc = require(process.env.PCSCLITE_MODULE)();
const name = process.env.READER;
pcsc.on('error', (e) => { console.log('error ' + e.message); process.exit(2); });
pcsc.on('reader', (r) => {
  if (r.name !== name) return;
  r.on('error', () => undefined);
  r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, (err) => {
    if (err) { console.log('error ' + err.message); process.exit(2); }
    console.log('connected');
    process.stdin.once('data', () => {
      const start = Date.now();
      r.disconnect(r.SCARD_RESET_CARD, (e) => { console.log('reset ' + start + ' ' + Date.now() + ' ' + (e ? e.message : 'ok')); process.exit(0); });
    });
  });
});
setTimeout(() => { console.log('error timeout'); process.exit(3); }, 30000);
`;

test.serial('through pcscd: another client resets our card while this thread is blocked, and pcscd gets the ATR at once', async (t) => {
  if (!(await requirePcscd(t))) return;
  const card = createEchoCard();
  await withVirtualCard(card, async ({ readerName, events }) => {
    const peer = spawn(process.execPath, ['-e', RESET_PEER], {
      env: { ...process.env, READER: readerName, PCSCLITE_MODULE: createRequire(import.meta.url).resolve('pcsclite') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    peer.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<void>((r) => peer.once('exit', () => r()));
    try {
      await until(() => /connected|error/.test(out), 20_000);
      t.regex(out, /^connected/, out);
      const resetsBefore = card.resets;
      const atrsBefore = events.filter((e) => e.kind === 'atr').length;
      await new Promise<void>((r) => peer.stdin.write('go\n', () => r()));
      const [start, end] = blockMainThread(6000); // generous: only "done while blocked" is asserted
      await until(() => /reset \d+ \d+ \S+/.test(out), 20_000);
      const [, began, done, result] = /reset (\d+) (\d+) (\S+)/.exec(out) ?? [];
      t.log(
        `main thread blocked ${end - start} ms; peer's SCardDisconnect(RESET) from +${Number(began) - start} to +${Number(done) - start} ms`,
      );
      t.is(result, 'ok', out);
      t.true(Number(began) < end - 3000, `the peer asked ${Number(began) - start} ms into the block`);
      t.true(
        Number(done) < end - 250,
        `pcscd had the reset done ${Number(done) - start} ms into a ${end - start} ms block of our main thread (must be before its end)`,
      );
      await until(() => card.resets > resetsBefore && events.filter((e) => e.kind === 'atr').length > atrsBefore);
      t.pass();
    } finally {
      peer.kill('SIGKILL');
      await exited;
    }
  });
});

test.serial(
  'a link thread that dies is reported as an error event (never an uncaught exception), restarted, and close() still ends it',
  async (t) => {
    const events: VpcdEvent[] = [];
    // Port 70000 makes net.connect throw inside the link thread: an unhandled error there.
    const handle = serveVpcd(createEchoCard(), { port: 70_000, retryMs: { min: 20, max: 40 }, onEvent: (e) => events.push(e) });
    try {
      await until(() => events.filter((e) => e.kind === 'error').length >= 2, 20_000);
      const errors = events.flatMap((e) => (e.kind === 'error' ? [e.error.message] : []));
      t.regex(errors[0] ?? '', /^vpcd link thread failed: .*70000/);
      t.is(errors.length, events.length, 'nothing but errors: it never connected');
    } finally {
      await handle.close();
    }
    const after = events.length;
    await new Promise((r) => setTimeout(r, 300));
    t.is(events.length, after, 'no restart after close()');
  },
);
