// The echo card (src/sim/echo-card.ts) in-process through cardTransport, and the channel's 61xx/6Cxx
// handling against it. The same card runs behind pcscd in pcsc.test.ts.
import test from 'ava';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { createChannel } from '../../src/apdu/channel.ts';
import { apdu, hex, seq } from '../helpers/apdu.ts';

const SELECT_ECHO = apdu`00 A4 04 00 | 0A | F0 73 63 68 73 6D 65 63 68 6F`;

test('SELECT of its AID → 9000; another AID → 6A82; P1 other than 04 → 6A86', async (t) => {
  const card = createEchoCard();
  t.deepEqual(await card.process(SELECT_ECHO), hex('90 00'));
  t.deepEqual(await card.process(apdu`00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01 | 00`), hex('6A 82'));
  t.deepEqual(await card.process(apdu`00 A4 00 00 | 02 | 3F 00`), hex('6A 86'));
});

test('GET CHALLENGE returns exactly Ne bytes: short Le 08, Le 00 = 256, extended 0FA0 and 0000 = 65536', async (t) => {
  const card = createEchoCard();
  const cases: Array<[Uint8Array, number]> = [
    [apdu`00 84 00 00 | 08`, 8],
    [apdu`00 84 00 00 | 00`, 256],
    [apdu`00 84 00 00 | 00 0F A0`, 4000],
    [apdu`00 84 00 00 | 00 00 00`, 65536],
  ];
  for (const [cmd, n] of cases) {
    const res = await card.process(cmd);
    t.is(res.length, n + 2, `Ne ${n}`);
    t.deepEqual(res.subarray(n), hex('90 00'));
  }
  t.deepEqual(await card.process(apdu`00 84 00 00`), hex('67 00'), 'case 1 (Ne 0) is a wrong length');
});

test('ECHO returns its data, truncated to Ne; unknown INS 6D00, unknown CLA 6E00, malformed 6700', async (t) => {
  const card = createEchoCard();
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 03 | 0A 0B 0C | 00`), hex('0A 0B 0C 90 00'));
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 03 | 0A 0B 0C | 02`), hex('0A 0B 90 00'));
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 03 | 0A 0B 0C`), hex('90 00'), 'case 3: no data asked, none sent');
  t.deepEqual(await card.process(apdu`80 12 00 00`), hex('6D 00'));
  t.deepEqual(await card.process(apdu`A0 EE 00 00`), hex('6E 00'));
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 05 | 01 02`), hex('67 00'), 'Lc 5 with 2 data bytes');
  t.deepEqual(await card.process(hex('80 EE')), hex('67 00'), 'two bytes are not an APDU');
});

test('get-response mode: bare 61xx, then GET RESPONSE parts of min(Le, 256) bytes', async (t) => {
  const card = createEchoCard({ mode: 'get-response' });
  const data = seq(300);
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 00 01 2C | ${data} | 01 2C`), hex('61 00'), '300 bytes pending: 61 00 (256 or more)');
  const first = await card.process(apdu`00 C0 00 00 | 00`);
  t.is(first.length, 258);
  t.deepEqual(first.subarray(256), hex('61 2C'), '44 bytes left');
  t.deepEqual(await card.process(apdu`00 C0 00 00 | 2C`), Uint8Array.from([...seq(44, 256 & 0xff), 0x90, 0x00]));
  t.deepEqual(await card.process(apdu`00 C0 00 00 | 00`), hex('69 85'), 'nothing pending');
});

test('SET MODE by APDU (80 E0 mode chunk) until reset; reset restores the power-on mode', async (t) => {
  const card = createEchoCard();
  t.deepEqual(await card.process(apdu`80 E0 02 00`), hex('90 00'));
  t.is(card.mode, 'wrong-le');
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 02 | 01 02 | 00`), hex('6C 02'));
  t.deepEqual(await card.process(apdu`80 EE 00 00 | 02 | 01 02 | 02`), hex('01 02 90 00'));
  t.deepEqual(await card.process(apdu`80 E0 07 00`), hex('6A 86'));
  card.reset();
  t.is(card.mode, 'direct');
  t.is(card.resets, 1);
});

test('channel over cardTransport: 61xx is completed by GET RESPONSE, exact commands on the wire', async (t) => {
  const card = createEchoCard({ mode: 'get-response', chunk: 16 });
  const channel = createChannel(cardTransport(card, 'echo'));
  const data = seq(40);
  const res = await channel.send({ cla: 0x80, ins: 0xee, p1: 0, p2: 0, data, ne: 40 });
  t.is(res.sw, 0x9000);
  t.deepEqual(res.data, data);
  t.deepEqual(card.received, [
    apdu`80 EE 00 00 | 28 | ${data} | 28`,
    apdu`00 C0 00 00 | 18`, // card said 61 18 (24 left): 16 come back, then 61 08
    apdu`00 C0 00 00 | 08`,
  ]);
});

test('channel over cardTransport: 6Cxx is re-sent once with Le = xx', async (t) => {
  const card = createEchoCard({ mode: 'wrong-le' });
  const channel = createChannel(cardTransport(card, 'echo'));
  const res = await channel.send({ cla: 0x80, ins: 0xee, p1: 0, p2: 0, data: hex('11 22 33'), ne: 256 });
  t.deepEqual(res.data, hex('11 22 33'));
  t.deepEqual(card.received, [apdu`80 EE 00 00 | 03 | 11 22 33 | 00`, apdu`80 EE 00 00 | 03 | 11 22 33 | 03`]);
});

test('cardTransport: name, ATR, protocol, reset reaches the card, closed transport refuses', async (t) => {
  const card = createEchoCard();
  const tr = cardTransport(card);
  t.is(tr.name, 'simulator');
  t.deepEqual(tr.atr, hex('3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41'));
  t.is(tr.protocol, 'T=1');
  await tr.reset();
  t.is(card.resets, 1);
  t.is(await tr.exclusive(async () => 42), 42);
  await tr.close();
  await tr.close(); // idempotent
  const err = await t.throwsAsync(tr.transmit(SELECT_ECHO));
  t.is((err as { code?: string }).code, 'ERR_SCHSM_TRANSPORT_CLOSED');
});

test('the echo ATR has a correct TCK (XOR of T0..TCK is 0)', (t) => {
  const atr = hex('3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41');
  t.is(
    atr.subarray(1).reduce((x, b) => x ^ b, 0),
    0,
  );
});
