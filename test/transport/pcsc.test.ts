// The PC/SC transport against the echo card behind the REAL pcscd, through vpcd (withVirtualCard).
// Outside CI these tests pass vacuously with a loud warning when pcscd/vpcd are missing; in CI they fail.
import test from 'ava';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { serveVpcd } from '../../src/sim/vpcd.ts';
import { listReaders, openPcscTransport } from '../../src/transport/pcsc.ts';
import { PcscError } from '../../src/transport/pcsc-errors.ts';
import { createChannel } from '../../src/apdu/channel.ts';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openscTool, requirePcscd, VPCD_PORTS, waitForReader, withVirtualCard } from '../helpers/vpcd.ts';
import { lockPath } from '../helpers/vpcd-lock.ts';
import { apdu, hex, seq } from '../helpers/apdu.ts';

const ECHO_ATR = hex('3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41');
const SELECT_ECHO = apdu`00 A4 04 00 | 0A | F0 73 63 68 73 6D 65 63 68 6F`;

test.serial('listReaders: both vpcd readers; ours holds the echo card with its ATR', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(createEchoCard(), async ({ readerName, index }) => {
    const readers = await listReaders();
    const names = readers.map((r) => r.name);
    t.true(names.includes('Virtual PCD 00 00') && names.includes('Virtual PCD 00 01'), names.join(', '));
    const ours = readers.find((r) => r.name === readerName);
    t.truthy(ours);
    t.is(ours?.index, index);
    t.true(ours?.cardPresent);
    t.deepEqual(ours?.atr, ECHO_ATR);
    t.true(ours?.state.includes('PRESENT'));
  });
});

test.serial(
  'withVirtualCard allReaders: both port locks are ours and the other reader stays empty (pkcs11-tool sees one card)',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    await withVirtualCard(
      createEchoCard(),
      async ({ readerName }) => {
        t.is(readerName, 'Virtual PCD 00 00', 'the card goes into the first reader');
        for (const port of VPCD_PORTS) {
          const owner = JSON.parse(readFileSync(path.join(lockPath(port), 'owner.json'), 'utf8')) as { pid: number };
          t.is(owner.pid, process.pid, `the lock on port ${port} is this process's`);
        }
        const readers = await listReaders();
        t.deepEqual(
          readers.filter((r) => r.cardPresent).map((r) => r.name),
          ['Virtual PCD 00 00'],
        );
      },
      { allReaders: true },
    );
    for (const port of VPCD_PORTS)
      t.false(
        existsSync(lockPath(port)) && JSON.parse(readFileSync(path.join(lockPath(port), 'owner.json'), 'utf8')).pid === process.pid,
        `port ${port} released`,
      );
  },
);

test.serial('connect shared by name, fragment and index; SELECT; extended APDUs both ways', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(createEchoCard(), async ({ readerName, index }) => {
    for (const selector of [readerName, readerName.slice(-5).toLowerCase(), String(index)]) {
      const tr = await openPcscTransport({ reader: selector });
      try {
        t.is(tr.name, readerName, `--reader ${selector}`);
        t.deepEqual(tr.atr, ECHO_ATR);
        t.is(tr.protocol, 'T=1');
        t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'));
      } finally {
        await tr.close();
      }
    }
    const tr = await openPcscTransport({ reader: readerName });
    try {
      // GET CHALLENGE, 2E, Le FFFD: 65533 bytes + SW = 65535, the largest response a vpcd frame carries
      const big = await tr.transmit(apdu`00 84 00 00 | 00 FF FD`);
      t.is(big.length, 65535);
      t.deepEqual(big.subarray(65533), hex('90 00'));
      // ECHO, 4E: 80 EE 00 00 | Lc 00 0FA0 | 4000 bytes | Le 0FA0
      const data = seq(4000, 0x11);
      const echoed = await tr.transmit(apdu`80 EE 00 00 | 00 0F A0 | ${data} | 0F A0`);
      t.is(echoed.length, 4002);
      t.deepEqual(echoed.subarray(0, 4000), data);
      t.deepEqual(echoed.subarray(4000), hex('90 00'));
    } finally {
      await tr.close();
    }
  });
});

test.serial('61xx and 6Cxx through pcscd are completed by the channel', async (t) => {
  if (!(await requirePcscd(t))) return;
  const card = createEchoCard();
  await withVirtualCard(card, async ({ readerName }) => {
    const tr = await openPcscTransport({ reader: readerName });
    try {
      const channel = createChannel(tr);
      card.setMode('get-response', 100);
      const data = seq(300);
      const long = await channel.send({ cla: 0x80, ins: 0xee, p1: 0, p2: 0, data, ne: 300 });
      t.is(long.sw, 0x9000);
      t.deepEqual(long.data, data);
      // 100 bytes ‖ 61 C8, then GET RESPONSE Le C8 → 100 bytes ‖ 61 64, then Le 64 → 100 bytes ‖ 9000
      t.deepEqual(card.received.slice(-3), [
        apdu`80 EE 00 00 | 00 01 2C | ${data} | 01 2C`,
        apdu`00 C0 00 00 | C8`,
        apdu`00 C0 00 00 | 64`,
      ]);
      card.setMode('wrong-le');
      const short = await channel.send({ cla: 0x80, ins: 0xee, p1: 0, p2: 0, data: hex('0A 0B'), ne: 256 });
      t.deepEqual(short.data, hex('0A 0B'));
      t.deepEqual(card.received.slice(-2), [apdu`80 EE 00 00 | 02 | 0A 0B | 00`, apdu`80 EE 00 00 | 02 | 0A 0B | 02`]);
    } finally {
      await tr.close();
    }
  });
});

test.serial('reset reconnects with SCARD_RESET_CARD: the card is reset, the session goes on', async (t) => {
  if (!(await requirePcscd(t))) return;
  const card = createEchoCard();
  await withVirtualCard(card, async ({ readerName }) => {
    const tr = await openPcscTransport({ reader: readerName });
    try {
      t.deepEqual(await tr.transmit(apdu`80 E0 01 00`), hex('90 00'), 'SET MODE get-response (volatile)');
      const before = card.resets;
      await tr.reset();
      t.true(card.resets > before, 'vpcd delivered a reset or power cycle to the card');
      t.is(card.mode, 'direct', 'volatile state is gone');
      t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'));
      t.deepEqual(tr.atr, ECHO_ATR);
    } finally {
      await tr.close();
    }
  });
});

test.serial('card removed mid-session: SCARD_W_REMOVED_CARD-class error with a hint, then closed cleanly', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(createEchoCard(), async ({ readerName, vpcd }) => {
    const tr = await openPcscTransport({ reader: readerName });
    t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'));
    await vpcd.close(); // pull the card
    const err = await t.throwsAsync(tr.transmit(SELECT_ECHO), { instanceOf: PcscError });
    t.is(err?.code, 'ERR_SCHSM_PCSC_CARD_REMOVED', err?.message);
    t.is(err?.pcscName, 'SCARD_W_REMOVED_CARD');
    t.regex(err?.message ?? '', /^SCardTransmit on "Virtual PCD 00 0\d": SCARD_W_REMOVED_CARD/);
    t.regex(err?.hint ?? '', /insert the card/);
    const again = await t.throwsAsync(tr.transmit(SELECT_ECHO), { instanceOf: PcscError });
    t.is(again?.code, 'ERR_SCHSM_PCSC_CARD_REMOVED', 'a removed card stays removed for this connection');
    await tr.close();
  });
});

test.serial('closing a connection to a pulled card releases its handle: the next card can be taken EXCLUSIVE at once', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(createEchoCard(), async ({ readerName, vpcd, port }) => {
    const tr = await openPcscTransport({ reader: readerName });
    t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'));
    await vpcd.close(); // pull the card
    await t.throwsAsync(tr.transmit(SELECT_ECHO), { instanceOf: PcscError });
    await tr.close();
    const next = serveVpcd(createEchoCard(), { port }); // insert another card
    try {
      await waitForReader(readerName, (r) => r.cardPresent, 10_000, 'the second card');
      // pcscd counts every handle on a reader until SCardDisconnect, card present or not; the binding
      // releases its context only when garbage-collected. A handle left behind makes this fail.
      const ex = await openPcscTransport({ reader: readerName, exclusive: true, connectTimeoutMs: 5000 });
      try {
        t.deepEqual(await ex.transmit(SELECT_ECHO), hex('90 00'), 'EXCLUSIVE granted');
      } finally {
        await ex.close();
      }
    } finally {
      await next.close();
    }
    t.truthy(tr, 'the old transport object is still alive here, so no garbage collection released its handle');
  });
});

test.serial('exclusive(fn): a concurrent opensc-tool cannot get in during fn, and can afterwards', async (t) => {
  if (!(await requirePcscd(t))) return;
  const card = createEchoCard();
  await withVirtualCard(card, async ({ readerName }) => {
    // Other PC/SC clients on this machine (OpenSC tools scanning every card) may hold the card for a moment.
    const tr = await openPcscTransport({ reader: readerName, exclusiveWaitMs: 30_000 });
    try {
      const during = await tr.exclusive(async () => {
        t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'), 'our own APDUs go through');
        const count = card.received.length;
        const peer = await openscTool(readerName, ['-s', '80EE0000 01 77 01'.replace(/ /g, '')], 30_000);
        t.is(card.received.length, count, 'no APDU of the peer reached the card');
        return peer;
      });
      t.not(during.code, 0, `opensc-tool must fail cleanly while we hold the card: ${during.stdout}${during.stderr}`);
      t.regex(`${during.stdout}${during.stderr}`, /in use|sharing|exclusive|not available|failed/i);
      const after = await openscTool(readerName, ['-s', '80EE0000017701'], 30_000);
      t.is(after.code, 0, after.stderr);
      t.regex(after.stdout, /77 90 00|SW1=0x90, SW2=0x00/i);
      t.deepEqual(await tr.transmit(SELECT_ECHO), hex('90 00'), 'shared again after fn');
    } finally {
      await tr.close();
    }
  });
});

test.serial('errors: no reader named so; index out of range; no card within the wait', async (t) => {
  if (!(await requirePcscd(t))) return;
  const unknown = await t.throwsAsync(openPcscTransport({ reader: 'No Such Reader XYZ' }), { instanceOf: PcscError });
  t.is(unknown?.code, 'ERR_SCHSM_PCSC_UNKNOWN_READER');
  t.regex(unknown?.hint ?? '', /Virtual PCD 00 00/);
  const index = await t.throwsAsync(openPcscTransport({ reader: '99' }), { instanceOf: PcscError });
  t.is(index?.code, 'ERR_SCHSM_PCSC_UNKNOWN_READER');
  await withVirtualCard(createEchoCard(), async ({ readerName, vpcd }) => {
    await vpcd.close(); // our reader (we hold its port lock) is now empty
    await waitForReader(readerName, (r) => !r.cardPresent, 5000, 'the card removed');
    const started = Date.now();
    const none = await t.throwsAsync(openPcscTransport({ reader: readerName, waitForCardMs: 300 }), { instanceOf: PcscError });
    t.is(none?.code, 'ERR_SCHSM_PCSC_NO_CARD');
    t.is(none?.pcscName, 'SCARD_E_NO_SMARTCARD');
    t.regex(none?.hint ?? '', /insert the card/);
    t.true(Date.now() - started < 5000, 'bounded wait');
  });
});
