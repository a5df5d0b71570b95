// Issue 13 item 7: one transport factory for every source, the in-memory recorder, and a simulated
// reader whose card can be pulled out and put back. Expected bytes are hex literals from the spec
// (SELECT of the SmartCard-HSM AID, §2.3) and PC/SC's own code for a removed card (0x80100069,
// pcsclite.h SCARD_W_REMOVED_CARD).
import test from 'ava';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTransport, parseTransportSource } from '../../src/open/index.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { SimulatedReader } from '../../src/sim/simulated-reader.ts';
import { SmartCardHsmSimulator } from '../../src/sim/sc-hsm.ts';
import { recordInMemory } from '../../src/trace/record.ts';
import { createReplayTransport } from '../../src/trace/replay.ts';
import { TraceMismatchError } from '../../src/trace/errors.ts';
import { UsageError } from '../../src/transport/errors.ts';
import { PcscError } from '../../src/transport/pcsc-errors.ts';
import { withVirtualCard, requirePcscd } from '../helpers/vpcd.ts';

const SELECT_APPLET = Uint8Array.from(Buffer.from('00A404000BE82B0601040181C31F020100', 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'schsm-open-'));

test('parseTransportSource reads a source as --reader does', (t) => {
  t.deepEqual(parseTransportSource(undefined), { kind: 'pcsc' });
  t.deepEqual(parseTransportSource(0), { kind: 'pcsc', reader: '0' });
  t.deepEqual(parseTransportSource('Virtual PCD 00 00'), { kind: 'pcsc', reader: 'Virtual PCD 00 00' });
  t.deepEqual(parseTransportSource('simple reader'), { kind: 'pcsc', reader: 'simple reader' });
  t.deepEqual(parseTransportSource('sim'), { kind: 'sim' });
  t.deepEqual(parseTransportSource('SIM'), { kind: 'sim' });
  t.deepEqual(parseTransportSource('sim:/tmp/a.json'), { kind: 'sim', stateFile: '/tmp/a.json' });
  t.deepEqual(parseTransportSource('replay:t.trace'), { kind: 'replay', file: 't.trace' });
  t.throws(() => parseTransportSource('sim:'), { instanceOf: UsageError });
  t.throws(() => parseTransportSource('replay:'), { instanceOf: UsageError });
  t.throws(() => parseTransportSource(-1), { instanceOf: UsageError });
  t.throws(() => parseTransportSource(1.5), { instanceOf: UsageError });
});

test("openTransport('sim') answers the applet SELECT with an FCP and 9000; await using closes it", async (t) => {
  let closed: SmartCardHsm | undefined;
  {
    await using transport = await openTransport('sim');
    t.is(transport.name, 'simulator');
    const res = await transport.transmit(SELECT_APPLET);
    t.is(hex(res.subarray(-2)), '9000');
    t.is(res[0], 0x62); // FCP template
    closed = await SmartCardHsm.open(transport);
  }
  await t.throwsAsync(() => closed!.status(), { code: 'ERR_SCHSM_TRANSPORT_CLOSED' });
});

test("openTransport('sim:FILE') keeps the card in FILE (mode 0600) between opens", async (t) => {
  const file = path.join(tmp(), 'card.json');
  const first = await openTransport(`sim:${file}`);
  const card = await SmartCardHsm.open(first);
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219' });
  await first.close();
  t.is(statSync(file).mode & 0o777, 0o600);
  await using second = await openTransport({ kind: 'sim', stateFile: file });
  t.true((await (await SmartCardHsm.open(second)).status()).initialized);
});

test('record in memory, redacted, then replay the trace strictly through replay:FILE', async (t) => {
  const rec = recordInMemory(await openTransport('sim'));
  const card = await SmartCardHsm.open(rec);
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219' });
  await verifyPin(card, { pin: '648219' });
  const status = await card.status();
  await rec.close();
  const text = rec.text();
  t.true(rec.recorded > 3);
  t.false(text.includes('36 34 38 32 31 39'), 'the PIN 648219 never reaches the trace');
  t.regex(text, /=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\. {2}# redacted: PIN/);
  t.is(rec.trace().records.length, rec.recorded);

  const file = path.join(tmp(), 'session.trace');
  writeFileSync(file, text);
  await using replay = await openTransport(`replay:${file}`);
  t.is(replay.name, `replay:${file}`);
  const again = await SmartCardHsm.open(replay);
  await initializeDevice(again, { confirm: true, soPin: '3537363231383830', userPin: '648219' });
  await verifyPin(again, { pin: '648219' }); // the masked PIN matches whatever PIN is sent
  t.deepEqual((await again.status()).serial, status.serial);
  // strict: a command that was not recorded fails
  await t.throwsAsync(() => replay.transmit(SELECT_APPLET), { name: 'TraceExhaustedError' });

  const strict = createReplayTransport(rec.trace());
  await t.throwsAsync(() => strict.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x00)), { instanceOf: TraceMismatchError });
});

test('a simulated reader: removal fails exchanges as PC/SC does, insertion and reconnect bring the card back', async (t) => {
  const reader = new SimulatedReader({ card: new SmartCardHsmSimulator() });
  const events = reader.watch();
  const transport = await reader.connect();
  t.is(hex((await transport.transmit(SELECT_APPLET)).subarray(-2)), '9000');

  reader.removeCard();
  t.false(reader.cardPresent);
  const removed = await t.throwsAsync(() => transport.transmit(SELECT_APPLET), { instanceOf: PcscError });
  t.is(removed.pcscCode, 0x80100069);
  t.is(removed.code, 'ERR_SCHSM_PCSC_CARD_REMOVED');
  await t.throwsAsync(() => transport.reconnect!({ timeoutMs: 20 }), { instanceOf: PcscError, message: /no card in reader/ });
  await t.throwsAsync(() => reader.connect(), { instanceOf: PcscError, message: /no card/ });

  setTimeout(() => reader.insertCard(), 30);
  await transport.reconnect!({ timeoutMs: 5000 });
  t.is(hex((await transport.transmit(SELECT_APPLET)).subarray(-2)), '9000');
  await transport.close();
  await t.throwsAsync(() => transport.transmit(SELECT_APPLET), { code: 'ERR_SCHSM_TRANSPORT_CLOSED' });

  const seen: string[] = [];
  for await (const e of events) {
    seen.push(`${e.type} ${e.reader}${e.type === 'card-inserted' ? ` ${hex(e.atr).slice(0, 4)}` : ''}`);
    if (seen.length === 4) break;
  }
  t.deepEqual(seen, [
    'reader-added Simulated Reader 00',
    'card-inserted Simulated Reader 00 3BFE',
    'card-removed Simulated Reader 00',
    'card-inserted Simulated Reader 00 3BFE',
  ]);
  await events.close();
  t.is(await events.next(), undefined, 'a closed monitor ends');
});

test('openTransport names PC/SC readers by name and by index (pcscd + vpcd)', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(new SmartCardHsmSimulator(), async (reader) => {
    for (const source of [reader.readerName, reader.index]) {
      await using transport = await openTransport(source);
      t.is(transport.name, reader.readerName);
      t.is(hex((await transport.transmit(SELECT_APPLET)).subarray(-2)), '9000');
    }
  });
});

test('a removal and reconnect recorded in memory replays: the reconnect is a reset record with the ATR', async (t) => {
  const reader = new SimulatedReader({ card: new SmartCardHsmSimulator() });
  const rec = recordInMemory(await reader.connect());
  const card = await SmartCardHsm.open(rec);
  const before = await card.status();
  reader.removeCard();
  await t.throwsAsync(() => card.status(), { code: 'ERR_SCHSM_PCSC_CARD_REMOVED' });
  reader.insertCard();
  await card.reconnect();
  t.deepEqual(await card.status(), before);
  await rec.close();
  t.regex(rec.text(), /# the card was reinserted \(reconnect\)\nreset 3B FE 18 00 00 81 31 FE 45/);

  const replay = createReplayTransport(rec.trace());
  const again = await SmartCardHsm.open(replay);
  t.deepEqual(await again.status(), before);
  await again.reconnect();
  t.deepEqual(await again.status(), before);
  replay.assertConsumed();
});
