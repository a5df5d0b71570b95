// The simulator's card side of chip authentication and secure messaging (§3.21), driven with raw APDUs
// built by the test-only TR-03110 implementation (test/helpers/sm-oracle.ts: node:crypto + OpenSSL CLI
// CMAC), not by the driver: handshake, protected VERIFY/ENUMERATE, and the rejections — tampered MAC,
// replayed APDU, missing MAC (6988/6987, channel ended, PIN state reset), plain APDU ending the channel,
// session PIN rules.
import test from 'ava';
import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import * as o from '../helpers/sm-oracle.ts';
import { setupCard } from '../cli/ops/helpers.ts';

const { bytes, hexOf } = o;
const OID = bytes('04007F00070202030202'); // id-CA-ECDH-AES-CBC-CMAC-128
const PIN = new TextEncoder().encode('271828'); // USER_PIN of test/cli/ops/helpers.ts
const SELECT = bytes('00A404000BE82B0601040181C31F020100');

const sw = (r: Uint8Array): string => hexOf(r.subarray(r.length - 2));

/** The device key's public point, from the simulator's PrK.DevAut (PKCS#8) through node:crypto. */
function devicePoint(sim: SmartCardHsmSimulator): Uint8Array {
  const spki = createPublicKey(createPrivateKey({ key: Buffer.from(sim.state.deviceKey.material), format: 'der', type: 'pkcs8' })).export({
    format: 'der',
    type: 'spki',
  });
  return new Uint8Array(spki.subarray(spki.length - 65));
}

/** Select, MSE SET AT, GENERAL AUTHENTICATE; returns the keys after checking the card's token. */
async function chipAuthentication(sim: SmartCardHsmSimulator): Promise<o.Keys> {
  const ecdh = createECDH('brainpoolP256r1');
  const point = new Uint8Array(ecdh.generateKeys());
  const mse = await sim.process(new Uint8Array([0x00, 0x22, 0x41, 0xa4, 0x0c, 0x80, 0x0a, ...OID]));
  if (sw(mse) !== '9000') throw new Error(`MSE ${sw(mse)}`);
  const ga = await sim.process(new Uint8Array([0x00, 0x86, 0x00, 0x00, 0x45, 0x7c, 0x43, 0x80, 0x41, ...point, 0x00]));
  // 7C 14 | 81 08 <nonce> | 82 08 <token> | 90 00
  if (hexOf(ga.subarray(0, 4)) !== '7C148108' || ga[12] !== 0x82 || sw(ga) !== '9000') throw new Error(`GA ${hexOf(ga)}`);
  const secret = new Uint8Array(ecdh.computeSecret(devicePoint(sim)));
  const keys = { kEnc: o.kdf(secret, ga.subarray(4, 12), 1), kMac: o.kdf(secret, ga.subarray(4, 12), 2) };
  const tokenInput = new Uint8Array([0x7f, 0x49, 0x4f, 0x06, 0x0a, ...OID, 0x86, 0x41, ...point]);
  if (hexOf(o.opensslCmac(keys.kMac, tokenInput).subarray(0, 8)) !== hexOf(ga.subarray(14, 22))) throw new Error('token');
  return keys;
}

async function card(options = 0x0001): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator();
  await setupCard(sim, { options });
  await sim.process(SELECT);
  return sim;
}

test('chip authentication, then VERIFY and ENUMERATE OBJECTS protected both ways (SSC 1..6)', async (t) => {
  const sim = await card();
  const keys = await chipAuthentication(sim);
  const verify = await sim.process(o.protectCommand(keys, 1, [0x00, 0x20, 0x00, 0x81], PIN));
  t.deepEqual(o.openResponse(keys, 2, verify), { ok: true, data: new Uint8Array(0), sw: 0x9000 });
  const status = await sim.process(o.protectCommand(keys, 3, [0x00, 0x20, 0x00, 0x81], undefined, 0)); // case 2 in SM, as OpenSC
  t.is(o.openResponse(keys, 4, status).sw, 0x9000);
  const list = o.openResponse(keys, 6, await sim.process(o.protectCommand(keys, 5, [0x80, 0x58, 0, 0], undefined, 0)));
  t.true(list.ok);
  t.is(hexOf(list.data), 'CC002F02');
});

test('a tampered MAC → plain 6988, the channel is gone (6882) and the PIN is no longer verified', async (t) => {
  const sim = await card();
  const keys = await chipAuthentication(sim);
  t.is(o.openResponse(keys, 2, await sim.process(o.protectCommand(keys, 1, [0x00, 0x20, 0x00, 0x81], PIN))).sw, 0x9000);
  const bad = o.protectCommand(keys, 3, [0x80, 0x58, 0, 0], undefined, 0);
  bad[bad.length - 2] = (bad[bad.length - 2] ?? 0) ^ 0x80; // last MAC byte
  t.is(hexOf(await sim.process(bad)), '6988');
  t.is(hexOf(await sim.process(o.protectCommand(keys, 5, [0x80, 0x58, 0, 0], undefined, 0))), '6882');
  t.is(hexOf(await sim.process(bytes('0020008100'))), '63C3');
});

test('a replayed protected APDU (old SSC) → 6988; a missing MAC object → 6987', async (t) => {
  const sim = await card();
  const keys = await chipAuthentication(sim);
  const first = o.protectCommand(keys, 1, [0x00, 0x20, 0x00, 0x81], undefined, 0);
  t.true(o.openResponse(keys, 2, await sim.process(first)).ok);
  t.is(hexOf(await sim.process(first)), '6988');

  const again = await chipAuthentication(sim);
  // 0C 20 00 81 | 03 | 97 01 00 | 00 : Le object but no 8E
  t.is(hexOf(await sim.process(bytes('0C20008103970100 00'))), '6987');
  t.is(hexOf(await sim.process(o.protectCommand(again, 3, [0x00, 0x20, 0x00, 0x81], undefined, 0))), '6882');
});

test('a plain command ends the channel and logs the user out (smartcard-hsm.com release 2.1 notes)', async (t) => {
  const sim = await card();
  const keys = await chipAuthentication(sim);
  t.is(o.openResponse(keys, 2, await sim.process(o.protectCommand(keys, 1, [0x00, 0x20, 0x00, 0x81], PIN))).sw, 0x9000);
  t.is(hexOf(await sim.process(bytes('0020008100'))), '63C3');
  t.is(hexOf(await sim.process(o.protectCommand(keys, 3, [0x00, 0x20, 0x00, 0x81], undefined, 0))), '6882');
});

test('GENERAL AUTHENTICATE without MSE → 6985; MSE with another protocol (3DES) → 6A80', async (t) => {
  const sim = await card();
  t.is(sw(await sim.process(new Uint8Array([0x00, 0x86, 0x00, 0x00, 0x45, 0x7c, 0x43, 0x80, 0x41, ...devicePoint(sim), 0x00]))), '6985');
  t.is(hexOf(await sim.process(bytes('002241A40C800A04007F00070202030201'))), '6A80');
});

test('session PIN: needs option 0x0004, a secure channel and the user PIN; VERIFY takes it until reset', async (t) => {
  const noOption = await card(0x0001);
  const k0 = await chipAuthentication(noOption);
  t.is(o.openResponse(k0, 2, await noOption.process(o.protectCommand(k0, 1, [0x80, 0x5a, 0x01, 0x81], undefined, 0))).sw, 0x6985);

  const sim = await card(0x0005);
  t.is(hexOf(await sim.process(bytes('805A018100'))), '6982'); // plain: never
  const keys = await chipAuthentication(sim);
  t.is(o.openResponse(keys, 2, await sim.process(o.protectCommand(keys, 1, [0x80, 0x5a, 0x01, 0x81], undefined, 0))).sw, 0x6982);
  t.is(o.openResponse(keys, 4, await sim.process(o.protectCommand(keys, 3, [0x00, 0x20, 0x00, 0x81], PIN))).sw, 0x9000);
  const gen = o.openResponse(keys, 6, await sim.process(o.protectCommand(keys, 5, [0x80, 0x5a, 0x01, 0x81], undefined, 0)));
  t.true(gen.ok);
  t.is(gen.sw, 0x9000);
  t.is(gen.data.length, 8);
  await sim.process(SELECT); // logout: a re-SELECT keeps the session PIN
  t.is(hexOf(await sim.process(new Uint8Array([0x00, 0x20, 0x00, 0x81, 0x08, ...gen.data]))), '9000');
  sim.reset();
  await sim.process(SELECT);
  t.is(hexOf(await sim.process(new Uint8Array([0x00, 0x20, 0x00, 0x81, 0x08, ...gen.data]))), '63C2'); // now just a wrong PIN
  t.false(JSON.stringify(sim.toJSON()).toUpperCase().includes(hexOf(gen.data)), 'the session PIN is never persisted');
});
