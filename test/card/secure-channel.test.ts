// The driver's secure channel end to end against the simulator (an independent implementation of the
// card side): every APDU after chip authentication is protected on the wire, the trace shows the plain
// ones as comments with the same masking as plain traffic (no PIN, no session PIN), and a card that
// cannot prove its certified device key is refused before any PIN is sent.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SecureMessagingError } from '../../src/apdu/sm/errors.ts';
import { generateSessionPin, listKeys, pinStatus, SecureChannelError, SmartCardHsm, verifyPin } from '../../src/card/index.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { recordTransport } from '../../src/trace/record.ts';
import { plainAnnotations } from '../../src/trace/sm-annotate.ts';
import { decorate } from '../../src/transport/decorate.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { setupCard, tempDir, USER_PIN } from '../cli/ops/helpers.ts';

const PIN_HEX = Buffer.from(USER_PIN).toString('hex').toUpperCase(); // 323731383238

function wire(inner: Transport, log: Uint8Array[]): Transport {
  return decorate(inner, {
    transmit: async (c) => {
      log.push(Uint8Array.from(c));
      return inner.transmit(c);
    },
  });
}

test('after chip authentication every APDU is protected (CLA x C) and the PIN never crosses in clear', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim);
  const apdus: Uint8Array[] = [];
  const card = await SmartCardHsm.open(wire(await createSimulatorTransport({ simulator: sim }), apdus));
  const info = await card.openSecureChannel();
  t.is(info.protocol, 'id-CA-ECDH-AES-CBC-CMAC-128');
  t.is(info.rootKind, 'simulator');
  const before = apdus.length;
  await verifyPin(card, { pin: USER_PIN });
  t.is((await pinStatus(card)).state, 'verified');
  t.deepEqual(await listKeys(card), []);
  const protectedOnes = apdus.slice(before);
  t.true(protectedOnes.length >= 3);
  for (const a of protectedOnes) t.is((a[0] ?? 0) & 0x0c, 0x0c, Buffer.from(a).toString('hex'));
  t.false(apdus.some((a) => Buffer.from(a).toString('hex').toUpperCase().includes(PIN_HEX)));
});

test('trace: protected exchanges at the transport, the plain ones as comments; PIN and session PIN masked in both', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim, { options: 0x0005 });
  const file = path.join(tempDir(), 'sm.trace');
  const rec = await recordTransport(await createSimulatorTransport({ simulator: sim }), { file, timing: false });
  const card = await SmartCardHsm.open(rec);
  await card.openSecureChannel({ observer: plainAnnotations(rec) });
  await verifyPin(card, { pin: USER_PIN });
  const sessionPin = await generateSessionPin(card);
  await card.close();
  const text = readFileSync(file, 'utf8');
  t.regex(text, /^# SM plain => 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\. \(redacted: PIN \(VERIFY\)\)$/m);
  t.regex(text, /^# SM plain <= (\.\. ){8}90 00 \(redacted: session PIN \(GENERATE SESSION PIN\)\)$/m);
  t.regex(text, /^=> 0C 20 00 81 /m); // the protected VERIFY at the transport
  const flat = text.replace(/\s+/g, '').toUpperCase();
  t.false(flat.includes(PIN_HEX), 'the PIN is nowhere in the trace');
  t.false(flat.includes(Buffer.from(sessionPin).toString('hex').toUpperCase()), 'the session PIN is nowhere in the trace');
});

test('a card whose GENERAL AUTHENTICATE token is wrong is refused (SecureChannelError), and nothing is protected', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim);
  const inner = await createSimulatorTransport({ simulator: sim });
  const forged = decorate(inner, {
    transmit: async (c) => {
      const r = await inner.transmit(c);
      if (c[1] === 0x86) r[r.length - 3] = (r[r.length - 3] ?? 0) ^ 0xff; // last token byte
      return r;
    },
  });
  const card = await SmartCardHsm.open(forged);
  const err = await t.throwsAsync(card.openSecureChannel(), { instanceOf: SecureChannelError });
  t.regex(err.message, /token/);
  t.is(card.secureChannel, undefined);
});

test('a device certificate that does not verify stops chip authentication before MSE', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim);
  const ef = sim.state.files.get(0x2f02);
  if (ef === undefined) return t.fail('no EF 2F02');
  ef[ef.length - 70] = (ef[ef.length - 70] ?? 0) ^ 0x01; // a byte of the DICA's signature
  const apdus: Uint8Array[] = [];
  const card = await SmartCardHsm.open(wire(await createSimulatorTransport({ simulator: sim }), apdus));
  await t.throwsAsync(card.openSecureChannel(), { instanceOf: SecureChannelError, message: /does not verify/ });
  t.false(apdus.some((a) => a[1] === 0x22 || a[1] === 0x86));
});

test('a MAC the card rejects ends the channel: the next command fails instead of going in plain', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim);
  const inner = await createSimulatorTransport({ simulator: sim });
  let tamper = false;
  const t2 = decorate(inner, {
    transmit: async (c) => {
      const copy = Uint8Array.from(c);
      if (tamper && (copy[0] ?? 0) & 0x0c) copy[copy.length - 2] = (copy[copy.length - 2] ?? 0) ^ 1;
      return inner.transmit(copy);
    },
  });
  const card = await SmartCardHsm.open(t2);
  await card.openSecureChannel();
  tamper = true;
  const err = await t.throwsAsync(pinStatus(card), { instanceOf: SecureMessagingError });
  t.is(err.sw, 0x6988);
  t.is(card.secureChannel, undefined);
  tamper = false;
  const apdusBefore = sim.session.userAuthenticated;
  await t.throwsAsync(verifyPin(card, { pin: USER_PIN }), { instanceOf: SecureMessagingError, message: /closed after an error/ });
  t.false(apdusBefore);
});
