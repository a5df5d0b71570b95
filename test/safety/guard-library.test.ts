// Safety audit, the library path (issue 9, findings 7 and 8): whatever a program does with a
// SmartCardHsm session — a card command function or a raw `card.send` — the channel's guard refuses a
// PIN try that could block the PIN and an INITIALIZE DEVICE nobody confirmed; `allowLastTry: true` and
// `confirmErase: true` (per command, or for the session) let them through.
import test from 'ava';
import {
  changeReferenceData,
  initializeDevice,
  LastPinTryError,
  resetRetryCounter,
  SmartCardHsm,
  verifyPin,
  type OpenOptions,
} from '../../src/card/index.ts';
import { EraseUnconfirmedError } from '../../src/apdu/index.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { newSim, setupCard, SO_PIN, USER_PIN } from '../cli/ops/helpers.ts';

const LABEL = 0x2f03;
/** INITIALIZE DEVICE with the current SO-PIN (§3.9; SO-PIN and user PIN of setupCard). */
const INIT_DATA = hex(`80020001 8106${Buffer.from(USER_PIN).toString('hex')} 8208${SO_PIN} 910103`);

async function open(sim: SmartCardHsmSimulator, options: OpenOptions = {}): Promise<SmartCardHsm> {
  return SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }), options);
}

async function cardAt(tries: { user?: number; so?: number }): Promise<SmartCardHsmSimulator> {
  const sim = newSim();
  await setupCard(sim);
  if (tries.user !== undefined && sim.state.userPin !== undefined) sim.state.userPin.retries = tries.user;
  if (tries.so !== undefined && sim.state.soPin !== undefined) sim.state.soPin.retries = tries.so;
  sim.state.files.set(LABEL, Uint8Array.of(0x30, 0x00));
  return sim;
}

test('a raw card.send of VERIFY on the last try is refused; the PIN keeps its try', async (t) => {
  const sim = await cardAt({ user: 1 });
  const card = await open(sim);
  const err = await t.throwsAsync(card.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: hex('303030303030') }, { raw: true }), {
    instanceOf: LastPinTryError,
  });
  t.regex(err?.message ?? '', /--allow-last-try/);
  t.regex(err?.hint ?? '', /allowLastTry: true/);
  t.is(sim.state.userPin?.retries, 1);
});

test('verifyPin: the old `force: true` no longer skips the guard; allowLastTry: true does', async (t) => {
  const sim = await cardAt({ user: 1 });
  const card = await open(sim);
  await t.throwsAsync(verifyPin(card, { pin: '000000', force: true } as never), { instanceOf: LastPinTryError });
  t.is(sim.state.userPin?.retries, 1);
  await verifyPin(card, { pin: USER_PIN, allowLastTry: true });
  t.is(sim.state.userPin?.retries, 3);
});

test('allowLastTry for the whole session (SmartCardHsm.open)', async (t) => {
  const sim = await cardAt({ user: 1 });
  const card = await open(sim, { allowLastTry: true });
  const res = await card.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: hex('303030303030') }, { raw: true });
  t.is(res.sw, 0x6983, 'sent as asked: the wrong PIN blocked it');
});

test('CHANGE REFERENCE DATA and RESET RETRY COUNTER on the last SO-PIN try are refused unless allowLastTry', async (t) => {
  const sim = await cardAt({ so: 1 });
  const card = await open(sim);
  await t.throwsAsync(changeReferenceData(card, { ref: 0x88, oldPin: SO_PIN, newPin: '0102030405060708' }), {
    instanceOf: LastPinTryError,
  });
  await t.throwsAsync(resetRetryCounter(card, { soPin: SO_PIN }), { instanceOf: LastPinTryError });
  t.is(sim.state.soPin?.retries, 1);
  await resetRetryCounter(card, { soPin: SO_PIN, allowLastTry: true });
  t.is(sim.state.soPin?.retries, 15);
});

test('a raw INITIALIZE DEVICE is refused without confirmErase; initializeDevice (confirm: true) erases', async (t) => {
  const sim = await cardAt({});
  const card = await open(sim);
  const init = { cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA };
  const err = await t.throwsAsync(card.send(init), { instanceOf: EraseUnconfirmedError });
  t.is(err?.code, 'ERR_SCHSM_ERASE_UNCONFIRMED');
  t.true(sim.state.files.has(LABEL), 'nothing erased');
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: USER_PIN });
  t.false(sim.state.files.has(LABEL), 'erased as confirmed');
});

test('confirmErase for the session lets a raw INITIALIZE through, still behind the SO-PIN guard', async (t) => {
  const sim = await cardAt({ so: 1 });
  const card = await open(sim, { confirmErase: true });
  await t.throwsAsync(card.send({ cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA }), { instanceOf: LastPinTryError });
  t.true(sim.state.files.has(LABEL));
  await card.send({ cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA }, { allowLastTry: true });
  t.false(sim.state.files.has(LABEL));
});

test('inside a secure channel the guard sees the plain VERIFY and asks the tries left in case 2 (00 20 00 81 00)', async (t) => {
  const sim = await cardAt({ user: 1 });
  const card = await open(sim);
  const plain: string[] = [];
  await card.openSecureChannel({ observer: { command: (c) => plain.push(Buffer.from(c).toString('hex').toUpperCase()) } });
  await t.throwsAsync(verifyPin(card, { pin: '000000' }), { instanceOf: LastPinTryError });
  t.deepEqual(plain, ['0020008100'], "only the guard's status query went in, protected, as JCOP's SM needs (case 2)");
  t.is(sim.state.userPin?.retries, 1);
  await verifyPin(card, { pin: USER_PIN, allowLastTry: true });
  t.is(sim.state.userPin?.retries, 3);
});
