import test from 'ava';
import { ApduEncodeError, ApduParseError, ChannelProtocolError, createChannel } from '../../src/apdu/index.ts';
import { TransportError } from '../../src/transport/errors.ts';
import { apdu, assertBytes, seq } from '../helpers/apdu.ts';
import { scripted } from '../helpers/scripted-transport.ts';
import { AID } from './vectors.ts';

/*
 * The channel against a strict scripted transport: each test lists the exact bytes the card must see
 * (ISO/IEC 7816-4 §5.3.4 for 61xx/6Cxx, §5.1.1.1 for chaining; sc-hsm-protocol.md §1.2, §1.3) and ends
 * with assertConsumed().
 */

test('a plain exchange goes through unchanged', async (t) => {
  const card = scripted([[apdu`00 A4 04 00 | 0B | ${AID} | 00`, apdu`62 03 85 01 00 | 90 00`]]);
  const res = await createChannel(card).send({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: AID, ne: 256, form: 'short' });
  assertBytes(t, res.data, apdu`62 03 85 01 00`);
  t.is(res.sw, 0x9000);
  card.assertConsumed();
});

test('61xx: GET RESPONSE loop with Le = xx, 6100 asks 256, data concatenated', async (t) => {
  const card = scripted([
    [apdu`80 58 00 00 | 00 00 00`, apdu`${seq(16)} | 61 10`], //   ENUMERATE: 16 bytes, 16 more
    [apdu`00 C0 00 00 | 10`, apdu`${seq(16, 16)} | 61 00`], //       CLA 80 → 00; 6100 = 256 or more
    [apdu`00 C0 00 00 | 00`, apdu`${seq(256, 32)} | 61 03`],
    [apdu`00 C0 00 00 | 03`, apdu`${seq(3, 32)} | 90 00`],
  ]);
  const res = await createChannel(card).send({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' });
  t.is(res.sw, 0x9000);
  assertBytes(t, res.data, apdu`${seq(288)} ${seq(3, 32)}`);
  card.assertConsumed();
});

test('GET RESPONSE keeps the logical channel bits of CLA and drops chaining and SM bits', async (t) => {
  const card = scripted([
    [apdu`1D B1 00 00 | 00`, apdu`AA | 61 01`], // CLA 1D = chain 10 | SM 0C | channel 01
    [apdu`01 C0 00 00 | 01`, apdu`BB | 90 00`],
  ]);
  const res = await createChannel(card).send({ cla: 0x1d, ins: 0xb1, p1: 0, p2: 0, ne: 256 });
  assertBytes(t, res.data, apdu`AA BB`);
  card.assertConsumed();
});

test('61xx then an error SW: the data so far and the final SW are returned', async (t) => {
  const card = scripted([
    [apdu`00 B1 00 00 | 00`, apdu`01 02 | 61 02`],
    [apdu`00 C0 00 00 | 02`, apdu`6A 82`],
  ]);
  const res = await createChannel(card).send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, ne: 256 });
  t.is(res.sw, 0x6a82);
  assertBytes(t, res.data, apdu`01 02`);
  card.assertConsumed();
});

test('61xx answered by GET RESPONSE with 61xx and no data is a ChannelProtocolError, not a loop', async (t) => {
  const card = scripted([
    [apdu`00 B1 00 00 | 00`, apdu`61 10`],
    [apdu`00 C0 00 00 | 10`, apdu`61 10`],
  ]);
  const err = await t.throwsAsync(createChannel(card).send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, ne: 256 }), {
    instanceOf: ChannelProtocolError,
  });
  t.regex(err?.message ?? '', /SW=6110 but no data/);
  card.assertConsumed();
});

test('maxResponse stops GET RESPONSE and leaves the 61xx visible', async (t) => {
  const card = scripted([
    [apdu`00 B1 00 00 | 00`, apdu`${seq(256)} | 61 00`],
    [apdu`00 C0 00 00 | 00`, apdu`${seq(256)} | 61 00`],
  ]);
  const res = await createChannel(card, { maxResponse: 300 }).send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, ne: 256 });
  t.is(res.sw, 0x6100);
  t.is(res.data.length, 512);
  card.assertConsumed();
});

test('getResponse: false returns the 61xx as is', async (t) => {
  const card = scripted([[apdu`00 B1 00 00 | 00`, apdu`AA | 61 05`]]);
  const res = await createChannel(card, { getResponse: false }).send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, ne: 256 });
  t.is(res.sw, 0x6105);
  card.assertConsumed();
});

test('6Cxx: the identical command is re-sent once with Le = xx', async (t) => {
  const card = scripted([
    [apdu`00 CA 01 02 | 10`, apdu`6C 08`],
    [apdu`00 CA 01 02 | 08`, apdu`${seq(8)} | 90 00`],
  ]);
  const res = await createChannel(card).send({ cla: 0, ins: 0xca, p1: 1, p2: 2, ne: 16 });
  t.is(res.sw, 0x9000);
  assertBytes(t, res.data, seq(8));
  card.assertConsumed();
});

test('6Cxx is retried only once: a second 6Cxx is returned, not chased', async (t) => {
  const card = scripted([
    [apdu`00 CA 01 02 | 10`, apdu`6C 08`],
    [apdu`00 CA 01 02 | 08`, apdu`6C 04`],
  ]);
  const res = await createChannel(card).send({ cla: 0, ins: 0xca, p1: 1, p2: 2, ne: 16 });
  t.is(res.sw, 0x6c04);
  card.assertConsumed(); // the strict script also proves no third command went out
});

test('6C00 re-sends with Le 00 (256); data kept; then 61xx is served', async (t) => {
  const card = scripted([
    [apdu`00 D7 00 00 | 01 | AA | 01`, apdu`6C 00`],
    [apdu`00 D7 00 00 | 01 | AA | 00`, apdu`${seq(10)} | 61 02`],
    [apdu`00 C0 00 00 | 02`, apdu`0A 0B | 90 00`],
  ]);
  const res = await createChannel(card).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: apdu`AA`, ne: 1 });
  assertBytes(t, res.data, seq(12));
  card.assertConsumed();
});

test('fixWrongLe: false returns the 6Cxx', async (t) => {
  const card = scripted([[apdu`00 CA 01 02 | 10`, apdu`6C 08`]]);
  const res = await createChannel(card, { fixWrongLe: false }).send({ cla: 0, ins: 0xca, p1: 1, p2: 2, ne: 16 });
  t.is(res.sw, 0x6c08);
  card.assertConsumed();
});

// --- short-only readers: command chaining ------------------------------------------------------------
const data600 = seq(600);

test('shortOnly: 600 data bytes go as chained blocks of 255/255/90, CLA|0x10 on the first two', async (t) => {
  const card = scripted([
    [apdu`90 D7 CC 01 | FF | ${data600.subarray(0, 255)}`, apdu`90 00`], //   CLA 80|10, no Le
    [apdu`90 D7 CC 01 | FF | ${data600.subarray(255, 510)}`, apdu`90 00`],
    [apdu`80 D7 CC 01 | 5A | ${data600.subarray(510)} | 00`, apdu`01 02 | 90 00`], // last: plain CLA, Le 00
  ]);
  const res = await createChannel(card, { shortOnly: true }).send({ cla: 0x80, ins: 0xd7, p1: 0xcc, p2: 0x01, data: data600, ne: 65536 });
  t.is(res.sw, 0x9000);
  assertBytes(t, res.data, apdu`01 02`);
  card.assertConsumed();
});

test('shortOnly: split points at 255 / 256 / 510 bytes', async (t) => {
  const d255 = seq(255);
  const one = scripted([[apdu`00 D7 00 00 | FF | ${d255}`, apdu`90 00`]]);
  await createChannel(one, { shortOnly: true }).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: d255 });
  one.assertConsumed();

  const d256 = seq(256);
  const two = scripted([
    [apdu`10 D7 00 00 | FF | ${d256.subarray(0, 255)}`, apdu`90 00`],
    [apdu`00 D7 00 00 | 01 | FF`, apdu`90 00`],
  ]);
  await createChannel(two, { shortOnly: true }).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: d256 });
  two.assertConsumed();

  const d510 = seq(510);
  const three = scripted([
    [apdu`10 D7 00 00 | FF | ${d510.subarray(0, 255)}`, apdu`90 00`],
    [apdu`00 D7 00 00 | FF | ${d510.subarray(255)}`, apdu`90 00`],
  ]);
  await createChannel(three, { shortOnly: true }).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: d510 });
  three.assertConsumed();
  t.pass();
});

test('shortOnly: a non-9000 on a chained block aborts the chain and is returned', async (t) => {
  const card = scripted([
    [apdu`10 D7 00 00 | FF | ${data600.subarray(0, 255)}`, apdu`90 00`],
    [apdu`10 D7 00 00 | FF | ${data600.subarray(255, 510)}`, apdu`6A 84`],
  ]);
  const res = await createChannel(card, { shortOnly: true }).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: data600 });
  t.is(res.sw, 0x6a84);
  card.assertConsumed(); // the last block was never sent
});

test('shortOnly: Ne 1000 goes as Le 00 and the rest comes by GET RESPONSE', async (t) => {
  const card = scripted([
    [apdu`00 B1 00 00 | 04 | 54 02 00 00 | 00`, apdu`${seq(256)} | 61 00`],
    [apdu`00 C0 00 00 | 00`, apdu`${seq(256, 0)} | 61 00`],
    [apdu`00 C0 00 00 | 00`, apdu`${seq(256, 0)} | 61 E8`],
    [apdu`00 C0 00 00 | E8`, apdu`${seq(232, 0)} | 90 00`],
  ]);
  const res = await createChannel(card, { shortOnly: true }).send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, data: apdu`54 02 00 00`, ne: 1000 });
  t.is(res.data.length, 1000);
  t.is(res.sw, 0x9000);
  card.assertConsumed();
});

test('shortOnly: a forced-extended ENUMERATE falls back to `80 58 00 00 00` (§1.3)', async (t) => {
  const card = scripted([[apdu`80 58 00 00 | 00`, apdu`CC 01 | 90 00`]]);
  const res = await createChannel(card, { shortOnly: true }).send({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' });
  assertBytes(t, res.data, apdu`CC 01`);
  card.assertConsumed();
});

test('shortOnly: a command already marked as chained cannot be chained again', async (t) => {
  const card = scripted([]);
  await t.throwsAsync(createChannel(card, { shortOnly: true }).send({ cla: 0x10, ins: 0xd7, p1: 0, p2: 0, data: seq(300) }), {
    instanceOf: ApduEncodeError,
  });
  card.assertConsumed();
});

test('without shortOnly, 600 bytes go as one extended APDU', async (t) => {
  const card = scripted([[apdu`00 D7 00 00 | 00 02 58 | ${data600}`, apdu`90 00`]]);
  await createChannel(card).send({ cla: 0, ins: 0xd7, p1: 0, p2: 0, data: data600 });
  card.assertConsumed();
  t.pass();
});

// --- the FIFO lock (lock.ts) -------------------------------------------------------------------------
test('an overlapping send waits its turn (no error, no interleaving); sends reach the card in call order', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const card = scripted([
    { expect: apdu`00 84 00 00 | 08`, respond: apdu`${seq(8)} | 90 00`, gate },
    [apdu`00 84 00 00 | 04`, apdu`${seq(4)} | 90 00`],
    [apdu`00 84 00 00 | 02`, apdu`${seq(2)} | 90 00`],
  ]);
  const channel = createChannel(card);
  const first = channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 });
  const second = channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 4 });
  const third = channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 2 });
  await new Promise((r) => setTimeout(r, 10));
  release();
  t.deepEqual(
    (await Promise.all([first, second, third])).map((r) => r.data.length),
    [8, 4, 2],
  );
  card.assertConsumed();
});

test('the lock is released after a transport error, a parse error and an encode error', async (t) => {
  const card = scripted([
    [apdu`00 84 00 00 | 08`, new TransportError('reader gone')],
    [apdu`00 84 00 00 | 08`, apdu`90`], // 1 byte: not a response
    [apdu`00 84 00 00 | 08`, apdu`${seq(8)} | 90 00`],
  ]);
  const channel = createChannel(card);
  const cmd = { cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 };
  await t.throwsAsync(channel.send(cmd), { instanceOf: TransportError, message: 'reader gone' });
  await t.throwsAsync(channel.send(cmd), { instanceOf: ApduParseError });
  await t.throwsAsync(channel.send({ ...cmd, ne: 70000 }), { instanceOf: ApduEncodeError });
  t.is((await channel.send(cmd)).sw, 0x9000);
  card.assertConsumed();
});

test('the channel exposes its transport', (t) => {
  const card = scripted([]);
  t.is(createChannel(card).transport, card);
});
