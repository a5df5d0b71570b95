// The vpcd wire protocol of src/sim/vpcd.ts against a fake vpcd (a local TCP server playing pcscd's
// side), so framing, controls, ordering and reconnection are checked without pcscd.
import test from 'ava';
import net from 'node:net';
import { serveVpcd, vpcdReaderName, type VpcdEvent } from '../../src/sim/vpcd.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { apdu, hex } from '../helpers/apdu.ts';

/** A fake vpcd: accepts one card, lets the test send frames and read the card's frames. */
interface FakeVpcd {
  readonly port: number;
  /** Resolves with the next accepted card socket. */
  accepted(): Promise<net.Socket>;
  close(): Promise<void>;
}

function fakeVpcd(port = 0): Promise<FakeVpcd> {
  const waiting: Array<(s: net.Socket) => void> = [];
  const backlog: net.Socket[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    const w = waiting.shift();
    if (w === undefined) backlog.push(s);
    else w(s);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        accepted: () => {
          const s = backlog.shift();
          return s === undefined ? new Promise((r) => waiting.push(r)) : Promise.resolve(s);
        },
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Reads length-prefixed frames from the card's side of the socket. */
function frameReader(s: net.Socket): () => Promise<Uint8Array> {
  let buf = Buffer.alloc(0);
  const queue: Uint8Array[] = [];
  const waiting: Array<(f: Uint8Array) => void> = [];
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const n = buf.readUInt16BE(0);
      const f = Uint8Array.from(buf.subarray(2, 2 + n));
      buf = buf.subarray(2 + n);
      const w = waiting.shift();
      if (w === undefined) queue.push(f);
      else w(f);
    }
  });
  return () => {
    const f = queue.shift();
    return f === undefined ? new Promise((r) => waiting.push(r)) : Promise.resolve(f);
  };
}

/** Resolves once `done()` holds (polled), rejects after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const frame = (payload: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), Buffer.from(payload)]);

test('reader names follow the vpcd port: 35963 → "Virtual PCD 00 00", 35964 → "… 00 01"', (t) => {
  t.is(vpcdReaderName(35963), 'Virtual PCD 00 00');
  t.is(vpcdReaderName(35964), 'Virtual PCD 00 01');
  t.is(vpcdReaderName(), 'Virtual PCD 00 00');
});

test('GET ATR control (04) is answered with the ATR; APDUs with data ‖ SW; power controls reset the card', async (t) => {
  const vpcd = await fakeVpcd();
  const card = createEchoCard();
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(card, { port: vpcd.port, onEvent: (e) => events.push(e) });
  try {
    const s = await vpcd.accepted();
    const next = frameReader(s);
    s.write(frame(hex('04')));
    // 2-byte length 000F, then the echo card's ATR 3B 8A 80 01 "schsm-echo" TCK
    t.deepEqual(await next(), hex('3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41'));
    s.write(frame(hex('01'))); // power on: answered with nothing
    s.write(frame(apdu`00 A4 04 00 | 0A | F0 73 63 68 73 6D 65 63 68 6F`));
    t.deepEqual(await next(), hex('90 00'));
    s.write(frame(apdu`80 EE 00 00 | 03 | 01 02 03 | 03`));
    t.deepEqual(await next(), hex('01 02 03 90 00'));
    s.write(frame(hex('02'))); // reset
    s.write(frame(hex('00'))); // power off
    s.write(frame(hex('04')));
    t.is((await next()).length, 15);
    // The link thread answers GET ATR itself; the reset reaches the card on this thread just after.
    await until(() => events.filter((e) => e.kind === 'atr').length === 2);
    t.is(card.resets, 2, 'power-on and reset each reset the card');
    t.deepEqual(
      events.map((e) => e.kind).filter((k) => k !== 'apdu'),
      ['connected', 'atr', 'power-on', 'reset', 'power-off', 'atr'],
    );
    const exchanged = events.filter((e) => e.kind === 'apdu');
    t.is(exchanged.length, 2);
  } finally {
    await handle.close();
    await vpcd.close();
  }
});

test('frames split across TCP segments and several frames in one segment are both reassembled in order', async (t) => {
  const vpcd = await fakeVpcd();
  const handle = serveVpcd(createEchoCard(), { port: vpcd.port });
  try {
    const s = await vpcd.accepted();
    s.setNoDelay(true);
    const next = frameReader(s);
    const a = frame(apdu`80 EE 00 00 | 02 | AA BB | 02`);
    const b = frame(apdu`80 EE 00 00 | 01 | CC | 01`);
    for (const byte of a) {
      s.write(Uint8Array.of(byte));
      await new Promise((r) => setTimeout(r, 2));
    }
    t.deepEqual(await next(), hex('AA BB 90 00'));
    s.write(Buffer.concat([b, frame(hex('04')), b]));
    t.deepEqual(await next(), hex('CC 90 00'));
    t.is((await next()).length, 15);
    t.deepEqual(await next(), hex('CC 90 00'));
  } finally {
    await handle.close();
    await vpcd.close();
  }
});

test('a 4000-byte extended APDU crosses the link intact (length prefix 0FA9 / 0FA2)', async (t) => {
  const vpcd = await fakeVpcd();
  const handle = serveVpcd(createEchoCard(), { port: vpcd.port });
  try {
    const s = await vpcd.accepted();
    const next = frameReader(s);
    const data = new Uint8Array(4000).map((_, i) => (i * 7) & 0xff);
    const cmd = apdu`80 EE 00 00 | 00 0F A0 | ${data} | 0F A0`; // 4E: Lc 000FA0, Le 0FA0
    const f = frame(cmd);
    t.deepEqual(Uint8Array.from(f.subarray(0, 2)), hex('0F A9'), '4 + 3 + 4000 + 2 = 4009 = 0x0FA9');
    s.write(f);
    const res = await next();
    t.is(res.length, 4002);
    t.deepEqual(res.subarray(0, 4000), data);
    t.deepEqual(res.subarray(4000), hex('90 00'));
  } finally {
    await handle.close();
    await vpcd.close();
  }
});

test('a response too large for a vpcd frame becomes 6F00 with an error event, not a corrupt frame', async (t) => {
  const vpcd = await fakeVpcd();
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(createEchoCard(), { port: vpcd.port, onEvent: (e) => events.push(e) });
  try {
    const s = await vpcd.accepted();
    const next = frameReader(s);
    s.write(frame(hex('00 84 00 00 00 00 00'))); // GET CHALLENGE Ne 65536: 65538 bytes > 65535
    t.deepEqual(await next(), hex('6F 00'));
    t.true(events.some((e) => e.kind === 'error' && /65538 bytes/.test(e.error.message)));
    s.write(frame(hex('00 84 00 00 00 FF FD'))); // Ne 65533: 65535 bytes, the largest that fits
    const big = await next();
    t.is(big.length, 65535);
    t.deepEqual(big.subarray(65533), hex('90 00'));
  } finally {
    await handle.close();
    await vpcd.close();
  }
});

test('reconnects with back-off when vpcd is not up yet and after the link drops; close() stops it', async (t) => {
  const probe = await fakeVpcd();
  const port = probe.port;
  await probe.close(); // nothing listens on `port` now
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(createEchoCard(), { port, retryMs: { min: 20, max: 80 }, onEvent: (e) => events.push(e) });
  await new Promise((r) => setTimeout(r, 150));
  t.is(events.filter((e) => e.kind === 'connected').length, 0);
  const vpcd = await fakeVpcd(port);
  try {
    const first = await vpcd.accepted();
    first.destroy(); // pcscd restarted
    const second = await vpcd.accepted();
    const next = frameReader(second);
    second.write(frame(hex('04')));
    t.is((await next()).length, 15);
    t.is(events.filter((e) => e.kind === 'connected').length, 2);
    t.true(events.some((e) => e.kind === 'disconnected' && e.reason === 'link lost'));
    await handle.close();
    t.deepEqual(events.at(-1), { kind: 'disconnected', reason: 'closed' });
    const before = events.length;
    await new Promise((r) => setTimeout(r, 200));
    t.is(events.length, before, 'no reconnect after close()');
  } finally {
    await handle.close();
    await vpcd.close();
  }
});

test('a slot held by another card (vpcd never polls us) is reported as "silent"', async (t) => {
  const vpcd = await fakeVpcd();
  const events: VpcdEvent[] = [];
  const handle = serveVpcd(createEchoCard(), { port: vpcd.port, onEvent: (e) => events.push(e) });
  try {
    await vpcd.accepted(); // accepted, but the fake never sends a frame
    await new Promise((r) => setTimeout(r, 3300));
    t.true(events.some((e) => e.kind === 'silent'));
  } finally {
    await handle.close();
    await vpcd.close();
  }
});
