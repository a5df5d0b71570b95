// Issue 13 item 6: reader and card events (PC/SC SCardGetStatusChange through the binding, and the
// simulated reader), `reconnect()` on a session after a removal, `--wait` for a card, and the explorer
// reacting to removal and insertion. The PC/SC tests pull the virtual card out of a real vpcd reader
// (vpcd close) and put it back (serve again), as a user pulls a token.
import test from 'ava';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { pinStatus, verifyPin } from '../../src/card/commands/verify-pin.ts';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { waitMs } from '../../src/cli/command.ts';
import { ExplorerSession } from '../../src/explorer/session.ts';
import { openTransport } from '../../src/open/index.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { SmartCardHsmSimulator } from '../../src/sim/sc-hsm.ts';
import { SimulatedReader } from '../../src/sim/simulated-reader.ts';
import { serveVpcd, vpcdReaderName } from '../../src/sim/vpcd.ts';
import type { CardEvent } from '../../src/transport/card-events.ts';
import { UsageError } from '../../src/transport/errors.ts';
import { watchCards } from '../../src/transport/pcsc-events.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { LOCK_WAIT_MS, lockAnyPort, type PortLock } from '../helpers/vpcd-lock.ts';
import { requirePcscd, VPCD_PORTS, waitForReader } from '../helpers/vpcd.ts';

/** The simulator's ATR (README, `schsm readers`): the SmartCard-HSM's standard contact ATR. */
const SC_HSM_ATR_HEX = '3BFE1800008131FE458031815448534D31738021408107FA';
const SO_PIN = '3537363231383830';
const PIN = '648219';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function initialised(): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator();
  await initializeDevice(await SmartCardHsm.open(cardTransport(sim)), { confirm: true, soPin: SO_PIN, userPin: PIN });
  return sim;
}

/** Hold one vpcd port without serving a card: its reader is empty until `insert`. */
async function emptyReader<T>(
  fn: (r: { name: string; insert: (sim: SmartCardHsmSimulator) => () => Promise<void> }) => Promise<T>,
): Promise<T> {
  const lock: PortLock = await lockAnyPort(VPCD_PORTS, `card-events pid ${process.pid}`, LOCK_WAIT_MS);
  const name = vpcdReaderName(lock.port);
  const served: Array<{ close(): Promise<void> }> = [];
  try {
    await waitForReader(name, (r) => !r.cardPresent, 30_000, 'an empty reader');
    return await fn({
      name,
      insert: (sim) => {
        const h = serveVpcd(sim, { port: lock.port });
        served.push(h);
        return () => h.close();
      },
    });
  } finally {
    for (const h of served) await h.close();
    await waitForReader(name, (r) => !r.cardPresent, 10_000, 'the card removed').catch(() => undefined);
    await lock.release();
  }
}

test('--wait takes 0..3600 seconds', (t) => {
  t.is(waitMs(30), 30_000);
  t.is(waitMs(0.5), 500);
  t.throws(() => waitMs(-1), { instanceOf: UsageError });
  t.throws(() => waitMs(3601), { instanceOf: UsageError });
  t.throws(() => waitMs(Number.NaN), { instanceOf: UsageError });
});

test('session reconnect after a simulated removal: logged out, same card, secure-channel-free', async (t) => {
  const reader = new SimulatedReader({ card: await initialised() });
  await using card = await SmartCardHsm.open(await reader.connect());
  await verifyPin(card, { pin: PIN });
  t.is((await pinStatus(card)).state, 'verified');
  const serial = (await card.status()).serial;
  reader.removeCard();
  await t.throwsAsync(() => card.status(), { code: 'ERR_SCHSM_PCSC_CARD_REMOVED' });
  await t.throwsAsync(() => card.reconnect(), { code: 'ERR_SCHSM_PCSC_NO_CARD' });
  setTimeout(() => reader.insertCard(), 20);
  await card.reconnect({ timeoutMs: 5000 });
  t.is((await pinStatus(card)).state, 'not-verified', 'a reinserted card starts logged out');
  t.is((await card.status()).serial, serial);

  await using plain = await SmartCardHsm.open(cardTransport(new SmartCardHsmSimulator()));
  await t.throwsAsync(() => plain.reconnect(), { code: 'ERR_SCHSM_TRANSPORT_NO_RECONNECT' });
});

test('watchCards through pcscd: the card present, pulled out, put back', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialised();
  await emptyReader(async (reader) => {
    await using monitor = await watchCards({ reader: reader.name });
    const seen: CardEvent[] = [];
    monitor.on((e) => seen.push(e));
    t.deepEqual(await monitor.next((e) => e.type === 'reader-added', 10_000), {
      type: 'reader-added',
      reader: reader.name,
    });
    const pull = reader.insert(sim);
    const inserted = await monitor.next((e) => e.type === 'card-inserted', 20_000);
    t.is(inserted?.type === 'card-inserted' ? hex(inserted.atr) : '', SC_HSM_ATR_HEX);
    await pull();
    t.deepEqual(await monitor.next((e) => e.type === 'card-removed', 20_000), { type: 'card-removed', reader: reader.name });
    reader.insert(sim);
    t.is((await monitor.next(undefined, 20_000))?.type, 'card-inserted');
    t.false(
      seen.some((e) => e.reader !== reader.name),
      'only the watched reader',
    );
  });
});

test('reconnect() on a PC/SC session after the card was pulled and put back', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialised();
  await emptyReader(async (reader) => {
    const pull = reader.insert(sim);
    await waitForReader(reader.name, (r) => r.cardPresent, 20_000, 'the card');
    await using card = await SmartCardHsm.open(await openTransport(reader.name));
    await verifyPin(card, { pin: PIN });
    await pull();
    await waitForReader(reader.name, (r) => !r.cardPresent, 20_000, 'the card removed');
    const lost = await t.throwsAsync(() => card.status());
    t.regex((lost as { code?: string } | undefined)?.code ?? '', /^ERR_SCHSM_PCSC_(CARD_REMOVED|NO_CARD|CARD_RESET)$/);
    setTimeout(() => reader.insert(sim), 500);
    await card.reconnect({ timeoutMs: 20_000 });
    t.is((await pinStatus(card)).state, 'not-verified');
    t.true((await card.status()).initialized);
  });
});

test('schsm status --wait: waits for the card; without one it gives up after the wait, naming it', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialised();
  await emptyReader(async (reader) => {
    const none = await runCliCaptured(['status', '--reader', reader.name, '--wait', '1'], { open: openDefaultTransport });
    t.is(none.code, 3, none.stderr);
    t.regex(none.stderr, new RegExp(`no card in reader "${reader.name}" \\(waited 1000 ms\\)`));
    setTimeout(() => reader.insert(sim), 1500);
    const started = Date.now();
    const r = await runCliCaptured(['status', '--reader', reader.name, '--wait', '60', '--json'], { open: openDefaultTransport });
    t.is(r.code, 0, r.stderr);
    t.true(Date.now() - started >= 1000, 'it waited for the insertion');
    t.true(JSON.parse(r.stdout).initialized);
  });
});

test('the explorer says when the card is pulled out and put back (pcscd)', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = await initialised();
  await emptyReader(async (reader) => {
    const pull = reader.insert(sim);
    await waitForReader(reader.name, (r) => r.cardPresent, 20_000, 'the card');
    let out = '';
    const session = new ExplorerSession({
      openTransport: () => openTransport(reader.name),
      watchCards: (name) => watchCards({ reader: name }),
      io: { out: (s) => (out += s), err: (s) => (out += s) },
      color: false,
      cwd: process.cwd(),
      env: {},
    });
    try {
      await session.connect();
      t.true(session.connected);
      await pull();
      for (let i = 0; i < 200 && session.connected; i++) await sleep(50);
      t.false(session.connected, 'the removal drops the session without a command');
      t.regex(out, new RegExp(`the card was removed from "${reader.name}"`));
      t.regex(session.lostReason ?? '', /removed/);
      reader.insert(sim);
      for (let i = 0; i < 200 && !/a card was inserted/.test(out); i++) await sleep(50);
      t.regex(out, new RegExp(`a card was inserted in "${reader.name}": the next card command connects to it`));
      await session.card();
      t.true(session.connected);
    } finally {
      await session.close();
    }
  });
});
