// The driver end to end against the in-process simulator (an independent implementation of the card):
// initialise → import a DKEK share → generate RSA/EC/AES keys → list → sign/verify with node:crypto →
// decipher/ECDH → wrap/unwrap → delete; PIN retry counter and blocking asserted by error structure.
import test from 'ava';
import { createCipheriv, createECDH, createHash, constants, generateKeyPairSync, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { hex } from '../helpers/apdu.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import {
  SmartCardHsm,
  initializeDevice,
  importDkekShare,
  verifyPin,
  generateKey,
  listKeys,
  sign,
  signEcdsa,
  decipher,
  removePkcs1Padding,
  ecdh,
  wrapKey,
  unwrapKey,
  deleteKey,
  aesCbcEncrypt,
  aesCbcDecrypt,
  aesCmac,
  getChallenge,
  resetRetryCounter,
  changeReferenceData,
  pinStatus,
  exportPublicKey,
  readFile,
  verifyDeviceChain,
  verifyAuthenticatedRequest,
  signerOf,
  parseCvcChain,
  PinIncorrectError,
  PinBlockedError,
  SecurityStatusNotSatisfiedError,
  KeyNotFoundError,
  DkekError,
  LastPinTryError,
  intrinsicKeyId,
  rsaModulusOf,
} from '../../src/card/index.ts';
import { openKeyBlob } from '../../src/card/formats/key-blob.ts';

const SO_PIN = '3537363231383830';
const PIN = '648219';
// Peer DKEK share (traces README): the DKEK made of this single share has KCV 6C609824B9CA28EB.
const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35');

async function freshCard(): Promise<SmartCardHsm> {
  return SmartCardHsm.open(await createSimulatorTransport());
}

async function initialised(): Promise<SmartCardHsm> {
  const card = await freshCard();
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN, dkekShares: 1 });
  await importDkekShare(card, SHARE);
  await verifyPin(card, { pin: PIN });
  return card;
}

test('status of a fresh card, then after INITIALIZE and the DKEK share', async (t) => {
  const card = await freshCard();
  const before = await card.status();
  t.false(before.initialized);
  t.is(before.userPin.state, 'not-initialized');
  t.truthy(before.serial);
  t.is(before.deviceChr?.slice(0, -5), before.serial);
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN, dkekShares: 1 });
  const share = await importDkekShare(card, SHARE);
  t.deepEqual(
    { total: share.total, outstanding: share.outstanding, kcv: share.kcv },
    { total: 1, outstanding: 0, kcv: '6C609824B9CA28EB' },
  );
  const after = await card.status();
  t.true(after.initialized);
  t.deepEqual(after.userPin, { ref: 0x81, state: 'not-verified', retriesLeft: 3 });
  t.is(after.soPin.state, 'not-verified');
  t.is(after.dkek?.kcv, '6C609824B9CA28EB');
  t.deepEqual(after.options?.flags, ['user PIN reset with SO-PIN enabled']);
  t.is(after.keyCount, 0);
  const chain = verifyDeviceChain(await readFile(card, 0x2f02));
  t.true(chain.deviceVerified && chain.dicaVerified === true, chain.summary);
});

test('RSA-2048: generate, list (PRKD like OpenSC, SHA-1 of modulus as ID), PKCS#1 and PSS signatures, decipher', async (t) => {
  const card = await initialised();
  const key = await generateKey(card, { type: 'rsa:2048', label: 'rsa-test' });
  t.is(key.ref, 1);
  t.is(key.requestStoredBy, 'card', 'the card stored the GAKP answer in CE01 itself (§3.11)');
  t.deepEqual(key.id, new Uint8Array(createHash('sha1').update(rsaModulusOf(key.publicKey!)).digest()));
  const [listed] = await listKeys(card);
  t.like(listed, { ref: 1, kind: 'rsa', label: 'rsa-test', size: 2048, certificate: 'cv-request' });
  t.true(listed?.publicKey?.equals(key.publicKey!));
  const data = new TextEncoder().encode('schsm e2e');
  const v15 = await sign(card, 1, { kind: 'rsa-pkcs1', hash: 'sha256' }, data);
  t.true(verify('sha256', data, key.publicKey!, v15));
  const pss = await sign(card, 1, { kind: 'rsa-pss', hash: 'sha256' }, data);
  t.true(verify('sha256', data, { key: key.publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss));
  const secret = hex('00112233445566778899');
  const cryptogram = publicEncrypt({ key: key.publicKey!, padding: constants.RSA_PKCS1_PADDING }, secret);
  const block = await decipher(card, 1, new Uint8Array(cryptogram));
  t.is(block.length, 256);
  t.deepEqual(removePkcs1Padding(block), secret);
});

test('EC keys: P-256, brainpoolP384r1, P-521 ECDSA (DER and r‖s, 66-byte halves for P-521), ECDH against node', async (t) => {
  const card = await initialised();
  const p256 = await generateKey(card, { type: 'ec:P-256', label: 'ec' });
  const bp = await generateKey(card, { type: 'ec:brainpoolP384r1' });
  const p521 = await generateKey(card, { type: 'ec:secp521r1' });
  t.deepEqual([p256.ref, bp.ref, p521.ref], [1, 2, 3]);
  t.is(bp.curve, 'brainpoolP384r1');
  t.is(p521.size, 521);
  t.like((await listKeys(card))[2], { kind: 'ec', size: 521, curve: 'secp521r1' });
  const data = new TextEncoder().encode('ecdsa');
  for (const k of [p256, bp, p521]) {
    const fieldBytes = Math.ceil(k.size / 8);
    const { der, raw } = await signEcdsa(card, k.ref, data, { hash: 'sha256', fieldBytes });
    t.true(verify('sha256', data, k.publicKey!, der), `${k.curve} DER`);
    t.true(verify('sha256', data, { key: k.publicKey!, dsaEncoding: 'ieee-p1363' }, raw), `${k.curve} r‖s`);
    t.is(raw.length, 2 * fieldBytes);
  }
  const peer = createECDH('prime256v1');
  peer.generateKeys();
  const shared = await ecdh(card, 1, new Uint8Array(peer.getPublicKey()));
  const point = p256.publicKey!.export({ format: 'jwk' });
  const expected = peer.computeSecret(
    Buffer.concat([Buffer.of(4), Buffer.from(point.x!, 'base64url'), Buffer.from(point.y!, 'base64url')]),
  );
  t.deepEqual(Buffer.from(shared.subarray(0, 32)), expected);
  t.deepEqual(p256.id, intrinsicKeyId(p256.publicKey!));
});

test('AES-256: CBC with IV and CMAC match node:crypto on the key recovered from the wrapped blob', async (t) => {
  const card = await initialised();
  const aes = await generateKey(card, { type: 'aes:256', label: 'aes' });
  t.like((await listKeys(card))[0], { ref: aes.ref, kind: 'aes', size: 256, label: 'aes', certificate: undefined });
  const opened = openKeyBlob(await wrapKey(card, aes.ref), SHARE); // one share: DKEK = share (XOR into zero)
  const k = opened.plaintext.key;
  if (k.kind !== 'aes') return t.fail('not an AES blob');
  const iv = hex('000102030405060708090A0B0C0D0E0F');
  const plain = new Uint8Array(48).map((_, i) => i * 7);
  const ct = await aesCbcEncrypt(card, aes.ref, plain, iv);
  const c = createCipheriv('aes-256-cbc', k.key, iv).setAutoPadding(false);
  t.deepEqual(Buffer.from(ct), Buffer.concat([c.update(plain), c.final()]));
  t.deepEqual(await aesCbcDecrypt(card, aes.ref, ct, iv), plain);
  t.is((await aesCmac(card, aes.ref, plain)).length, 16);
});

test('wrap → delete → unwrap (both forms) keeps the key: the unwrapped key signs for the old public key', async (t) => {
  const card = await initialised();
  const ec = await generateKey(card, { type: 'ec:secp256k1' });
  const blob = await wrapKey(card, ec.ref);
  t.is(Buffer.from(blob.subarray(0, 8)).toString('hex').toUpperCase(), '6C609824B9CA28EB');
  t.deepEqual(await deleteKey(card, ec.ref), [0xcc01, 0xc401, 0xce01]);
  t.deepEqual(await listKeys(card), []);
  const data = new TextEncoder().encode('after unwrap');
  for (const via of ['command', 'ef'] as const) {
    const ref = via === 'command' ? 5 : 6;
    await unwrapKey(card, ref, blob, { via });
    const sig = await sign(card, ref, { kind: 'ecdsa', hash: 'sha256' }, data);
    t.true(verify('sha256', data, ec.publicKey!, sig), via);
  }
  const tampered = blob.slice();
  tampered[0] = (tampered[0] ?? 0) ^ 1;
  await t.throwsAsync(unwrapKey(card, 7, tampered), { instanceOf: DkekError });
});

test('PIN retry counter, last-try guard, blocking, reset with the SO-PIN (errors by structure)', async (t) => {
  const card = await initialised();
  await card.logout();
  t.is((await pinStatus(card)).state, 'not-verified');
  const e1 = await t.throwsAsync(verifyPin(card, { pin: '000000' }), { instanceOf: PinIncorrectError });
  t.is(e1?.retriesLeft, 2);
  t.is(e1?.sw, 0x63c2);
  const e2 = await t.throwsAsync(verifyPin(card, { pin: '000000' }), { instanceOf: PinIncorrectError });
  t.is(e2?.retriesLeft, 1);
  const guard = await t.throwsAsync(verifyPin(card, { pin: '000000' }), { instanceOf: LastPinTryError });
  t.is(guard?.retriesLeft, 1);
  await t.throwsAsync(verifyPin(card, { pin: '000000', allowLastTry: true }), { instanceOf: PinBlockedError });
  t.deepEqual(await pinStatus(card), { ref: 0x81, state: 'blocked', retriesLeft: 0 });
  await t.throwsAsync(verifyPin(card, { pin: PIN, allowLastTry: true }), { instanceOf: PinBlockedError });
  const wrongSo = await t.throwsAsync(resetRetryCounter(card, { soPin: '0000000000000000', newPin: '123456' }), {
    instanceOf: PinIncorrectError,
  });
  t.is(wrongSo?.pinRef, 0x88);
  await resetRetryCounter(card, { soPin: SO_PIN, newPin: '123456' });
  await verifyPin(card, { pin: '123456' });
  await changeReferenceData(card, { oldPin: '123456', newPin: PIN });
  await card.logout();
  await verifyPin(card, { pin: PIN });
  t.is((await pinStatus(card)).state, 'verified');
});

test('operations need the PIN; unknown keys are KeyNotFoundError; the CV request verifies with the device key', async (t) => {
  const card = await initialised();
  const ec = await generateKey(card, { type: 'ec:prime256v1' });
  const [device] = parseCvcChain(await readFile(card, 0x2f02));
  t.deepEqual(verifyAuthenticatedRequest(ec.request!, signerOf(device!.body.publicKey)), { inner: true, outer: true });
  t.true((await exportPublicKey(card, ec.ref)).equals(ec.publicKey as KeyObject));
  const e = await t.throwsAsync(sign(card, 42, { kind: 'ecdsa', hash: 'sha256' }, hex('00')), { instanceOf: KeyNotFoundError });
  t.is(e?.ref, 42);
  t.is(e?.keyRef, 42, 'the deprecated name still works');
  await card.logout();
  await t.throwsAsync(sign(card, ec.ref, { kind: 'ecdsa', hash: 'sha256' }, hex('00')), { instanceOf: SecurityStatusNotSatisfiedError });
  t.is((await getChallenge(card, 1500)).length, 1500);
});

test('generateKey refuses to overwrite an existing key unless replace is set', async (t) => {
  const card = await initialised();
  const first = await generateKey(card, { type: 'ec:P-256' });
  await t.throwsAsync(generateKey(card, { type: 'ec:P-256', ref: first.ref }), { message: /exists/ });
  const second = await generateKey(card, { type: 'ec:P-256', ref: first.ref, replace: true });
  t.false(second.publicKey!.equals(first.publicKey!));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }); // unrelated: intrinsicKeyId of RSA = SHA-1(n)
  t.deepEqual(
    intrinsicKeyId(rsa.publicKey),
    new Uint8Array(
      createHash('sha1')
        .update(Buffer.from(rsa.publicKey.export({ format: 'jwk' }).n!, 'base64url'))
        .digest(),
    ),
  );
});

test('short APDUs only (reader without extended length): chaining and GET RESPONSE carry RSA-2048 and wrap/unwrap', async (t) => {
  const card = await SmartCardHsm.open(await createSimulatorTransport(), { shortOnly: true });
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN, dkekShares: 1 });
  await importDkekShare(card, SHARE);
  await verifyPin(card, { pin: PIN });
  const rsa = await generateKey(card, { type: 'rsa:2048', label: 'short' });
  t.is(rsa.requestStoredBy, 'card');
  const data = new TextEncoder().encode('short APDUs');
  t.true(verify('sha256', data, rsa.publicKey!, await sign(card, rsa.ref, { kind: 'rsa-pkcs1', hash: 'sha256' }, data)));
  const blob = await wrapKey(card, rsa.ref);
  t.true(blob.length > 256, 'an RSA-2048 blob needs more than one short response');
  await unwrapKey(card, 9, blob); // > 255 bytes: sent as a command chain, or via EF 2F10 in 247-byte chunks
  t.true(verify('sha256', data, rsa.publicKey!, await sign(card, 9, { kind: 'rsa-pkcs1', hash: 'sha256' }, data)));
  t.like(
    (await listKeys(card)).find((k) => k.ref === rsa.ref),
    { label: 'short', size: 2048 },
  );
});

test('RSA-4096: the 512-byte signature fits Le 0200; its blob (> 1 APDU) is unwrapped via EF 2F10 by default', async (t) => {
  const card = await initialised();
  const rsa = await generateKey(card, { type: 'rsa:4096' });
  const data = new TextEncoder().encode('4096');
  const sig = await sign(card, rsa.ref, { kind: 'rsa-pkcs1', hash: 'sha512' }, data);
  t.is(sig.length, 512);
  t.true(verify('sha512', data, rsa.publicKey!, sig));
  const blob = await wrapKey(card, rsa.ref);
  t.true(blob.length > card.limits.maxCommandData);
  await unwrapKey(card, 2, blob);
  t.true(verify('sha512', data, rsa.publicKey!, await sign(card, 2, { kind: 'rsa-pkcs1', hash: 'sha512' }, data)));
});
