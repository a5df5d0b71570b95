// Issue 13 item 5: one error per fault, the same whichever operation meets it, against the simulator;
// and the error classes of the trace and simulator layers reachable from their entry points.
import test from 'ava';
import { hex } from '../helpers/apdu.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import type { Transport } from '../../src/transport/transport.ts';
import {
  SmartCardHsm,
  initializeDevice,
  importDkekShare,
  verifyPin,
  generateKey,
  signMessage,
  parseMechanism,
  exportPublicKey,
  deleteKey,
  describeKey,
  sign,
  decipher,
  wrapKey,
  KeyNotFoundError,
  FileNotFoundError,
  InvalidArgumentError,
  OperationNotAllowedError,
} from '../../src/card/index.ts';

const SO_PIN = '3537363231383830';
const PIN = '648219';
const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35');

/** A simulator card that counts the APDUs it is sent. */
async function card(shares: 0 | 1 | 2): Promise<{ card: SmartCardHsm; count: () => number }> {
  const inner = await createSimulatorTransport();
  let n = 0;
  const transport: Transport = {
    name: inner.name,
    atr: inner.atr,
    transmit: (cmd) => {
      n++;
      return inner.transmit(cmd);
    },
    exclusive: (fn) => inner.exclusive(fn),
    close: () => inner.close(),
    reset: () => inner.reset(),
  };
  const c = await SmartCardHsm.open(transport);
  await initializeDevice(c, { confirm: true, soPin: SO_PIN, userPin: PIN, ...(shares === 0 ? {} : { dkekShares: shares }) });
  if (shares > 0) await importDkekShare(c, SHARE);
  await verifyPin(c, { pin: PIN });
  return { card: c, count: () => n };
}

test('a missing key is KeyNotFoundError for exportPublicKey as for signMessage and deleteKey', async (t) => {
  const { card: c } = await card(1);
  for (const op of [
    () => exportPublicKey(c, 77),
    () => signMessage(c, 77, parseMechanism('ECDSA-SHA256'), hex('00')),
    () => deleteKey(c, 77),
  ]) {
    const e = await t.throwsAsync(op(), { instanceOf: KeyNotFoundError });
    t.is(e?.code, 'ERR_SCHSM_KEY_NOT_FOUND');
    t.is(e?.ref, 77);
  }
  const aes = await generateKey(c, { type: 'aes:128' });
  const noPublic = await t.throwsAsync(exportPublicKey(c, aes.ref), { instanceOf: FileNotFoundError }, 'an AES key exists but has no CExx');
  t.false(noPublic instanceof KeyNotFoundError);
  await c.close();
});

test('a key reference outside 0..255 is InvalidArgumentError before anything is encoded or sent', async (t) => {
  const { card: c, count } = await card(1);
  const before = count();
  for (const op of [
    () => exportPublicKey(c, 300),
    () => signMessage(c, 300, parseMechanism('ECDSA-SHA256'), hex('00')),
    () => sign(c, -1, { kind: 'ecdsa' }, hex('00')),
    () => decipher(c, 256, hex('00')),
    () => wrapKey(c, 1.5),
    () => deleteKey(c, 300),
    () => describeKey(c, 300),
    () => generateKey(c, { type: 'ec:P-256', ref: 300 }),
  ]) {
    const e = await t.throwsAsync(op(), { instanceOf: InvalidArgumentError });
    t.is(e?.code, 'ERR_SCHSM_INVALID_ARGUMENT');
    t.regex(
      e?.message ?? '',
      /key reference (\(300\)|must be 1\.\.255, got 300|300 is out of range|-1 is out of range|256 is out of range|1\.5 is out of range)/,
    );
  }
  t.is(count(), before, 'no APDU was sent');
  await c.close();
});

test('key generation while DKEK shares are outstanding: OperationNotAllowedError whose hint says the DKEK import is pending', async (t) => {
  const { card: c } = await card(2); // 2 shares expected, 1 imported
  for (const type of ['ec:P-256', 'aes:256'] as const) {
    const e = await t.throwsAsync(generateKey(c, { type }), { instanceOf: OperationNotAllowedError });
    t.is(e?.sw, 0x6985);
    t.regex(e?.hint ?? '', /DKEK import is pending/);
  }
  await c.close();
});

test('the trace and simulator error and transport types come from their entry points', async (t) => {
  const traceEntry = await import('../../src/trace/index.ts');
  const simEntry = await import('../../src/sim/index.ts');
  t.is(traceEntry.TraceMismatchError.name, 'TraceMismatchError');
  t.is(simEntry.SimStateError.name, 'SimStateError');
  const replay = traceEntry.createReplayTransport('# trace-format: 1\n');
  const typed: import('../../src/trace/index.ts').ReplayTransport = replay;
  t.is(typeof typed.transmit, 'function');
  const recorder: import('../../src/trace/index.ts').RecordingTransport | undefined = undefined;
  t.is(recorder, undefined);
});
