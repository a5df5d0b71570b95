// Every command's exact bytes, written from sc-hsm-protocol.md (§ cited per test) or copied from the
// peer traces — never produced by the encoder under test.
import test from 'ava';
import { apdu, hex } from '../helpers/apdu.ts';
import { MalformedResponseError } from '../../src/card/host-errors.ts';
import { cardWithScript } from '../helpers/card-script.ts';
import { verifyPin, pinStatus } from '../../src/card/commands/verify-pin.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { enumerateObjects } from '../../src/card/commands/enumerate-objects.ts';
import { wrapKey } from '../../src/card/commands/wrap-key.ts';
import { importDkekShare, queryDkekStatus } from '../../src/card/commands/import-dkek-share.ts';
import { readBinary, readFile } from '../../src/card/commands/read-binary.ts';
import { createFile, updateBinary } from '../../src/card/commands/update-binary.ts';
import { deleteFile } from '../../src/card/commands/delete-file.ts';
import { selectFile } from '../../src/card/commands/select-file.ts';
import { getChallenge } from '../../src/card/commands/get-challenge.ts';
import { changeReferenceData } from '../../src/card/commands/change-reference-data.ts';
import { resetRetryCounter } from '../../src/card/commands/reset-retry-counter.ts';
import { sign, digestInfo } from '../../src/card/commands/sign.ts';
import { decipher, ecdh } from '../../src/card/commands/decipher.ts';
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac } from '../../src/card/commands/cipher-symmetric.ts';
import { unwrapKey } from '../../src/card/commands/unwrap-key.ts';
import { generateSymmetricKey } from '../../src/card/commands/generate-symmetric-key.ts';
import { LastPinTryError, InvalidArgumentError } from '../../src/card/host-errors.ts';
import { SIGN_EC_APDU, SIGN_EC_RESPONSE, SIGN_RSA_APDU, SIGN_RSA_RESPONSE, SIGNED_TEXT } from './peer-trace-data.ts';

const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35'); // peer trace 07/08

test('VERIFY "648219" after a status query (§11.1: 00200081 and 0020008106363438323139)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200081'), hex('63C3')],
    [hex('0020008106363438323139'), hex('9000')],
  ]);
  await verifyPin(card, { pin: '648219' });
  tr.assertConsumed();
  t.pass();
});

test('VERIFY refuses the last try unless allowLastTry; allowLastTry sends the PIN without the status query', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200081'), hex('63C1')],
    [hex('0020008106363438323139'), hex('63C0')],
  ]);
  const err = await t.throwsAsync(verifyPin(card, { pin: '648219' }), { instanceOf: LastPinTryError });
  t.is(err?.retriesLeft, 1);
  await t.throwsAsync(verifyPin(card, { pin: '648219', allowLastTry: true }));
  tr.assertConsumed();
});

test('PIN status answers (§3.6): 9000, 63Cx, 6983, 6984, 6A88', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200081'), hex('9000')],
    [hex('00200081'), hex('63C2')],
    [hex('00200081'), hex('6983')],
    [hex('00200081'), hex('6984')],
    [hex('00200088'), hex('6A88')],
  ]);
  t.deepEqual(await pinStatus(card), { ref: 0x81, state: 'verified', retriesLeft: undefined });
  t.deepEqual(await pinStatus(card), { ref: 0x81, state: 'not-verified', retriesLeft: 2 });
  t.deepEqual(await pinStatus(card), { ref: 0x81, state: 'blocked', retriesLeft: 0 });
  t.deepEqual(await pinStatus(card), { ref: 0x81, state: 'transport-pin', retriesLeft: undefined });
  t.deepEqual(await pinStatus(card, 0x88), { ref: 0x88, state: 'not-initialized', retriesLeft: undefined });
  tr.assertConsumed();
});

test('INITIALIZE DEVICE exactly as §11.1 (sc-hsm-tool --so-pin 3537363231383830 --pin 648219 --dkek-shares 1)', async (t) => {
  const { card, tr } = await cardWithScript([
    // the channel's guard: SO-PIN status first (a re-INITIALIZE spends an SO-PIN try); 6A88 = new card
    [hex('00200088'), hex('6A88')],
    [hex('805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101'), hex('9000')],
  ]);
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219', dkekShares: 1 });
  tr.assertConsumed();
  t.pass();
});

test('INITIALIZE refuses without confirm and validates the SO-PIN before sending anything', async (t) => {
  const { card, tr } = await cardWithScript([]);
  // @ts-expect-error confirm must be the literal true
  await t.throwsAsync(initializeDevice(card, { soPin: '3537363231383830', userPin: '648219' }), { instanceOf: InvalidArgumentError });
  await t.throwsAsync(initializeDevice(card, { confirm: true, soPin: '35373632313838', userPin: '648219' }), {
    instanceOf: InvalidArgumentError,
  });
  await t.throwsAsync(initializeDevice(card, { confirm: true, soPin: '353736323138383G', userPin: '648219' }), {
    instanceOf: InvalidArgumentError,
  });
  await t.throwsAsync(initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '12345' }), {
    instanceOf: InvalidArgumentError,
  });
  tr.assertConsumed();
});

test('ENUMERATE OBJECTS 80580000000000 (§11.1); answer of the peer trace; 0000 ignored', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('80580000000000'), hex('C400CC00CC02CC01C402C4019000')],
    [hex('80580000000000'), hex('CC0100000000 9000')],
  ]);
  t.deepEqual(await enumerateObjects(card), [0xc400, 0xcc00, 0xcc02, 0xcc01, 0xc402, 0xc401]);
  t.deepEqual(await enumerateObjects(card), [0xcc01]);
  tr.assertConsumed();
});

test('ENUMERATE: short-only session sends 80 58 00 00 00; a transport error falls back to it for good', async (t) => {
  const { card, tr } = await cardWithScript([[hex('8058000000'), hex('CC00 9000')]], { shortOnly: true });
  t.deepEqual(await enumerateObjects(card), [0xcc00]);
  tr.assertConsumed();
  const { TransportError } = await import('../../src/transport/errors.ts');
  const fb = await cardWithScript([
    [hex('80580000000000'), new TransportError('reader refused an extended APDU')],
    [hex('8058000000'), hex('CC00 9000')],
    [apdu`00 B1 C4 01 | 04 | 54 02 00 00 | 00`, hex('9000')],
  ]);
  t.deepEqual(await enumerateObjects(fb.card), [0xcc00]);
  t.true(fb.card.limits.shortOnly);
  t.deepEqual(await readFile(fb.card, 0xc401), new Uint8Array(0));
  fb.tr.assertConsumed();
});

test('WRAP KEY for key 1: 80720192000000 (§11.1)', async (t) => {
  const { card, tr } = await cardWithScript([[hex('80720192000000'), hex('AABBCC 9000')]]);
  t.deepEqual(await wrapKey(card, 1), hex('AABBCC'));
  tr.assertConsumed();
});

test('DKEK query 8052000000 (§11.1) and import 80 52 00 00 20 <share> 00 (peer trace 08, 13): a zero KCV is reported as hidden', async (t) => {
  const { card, tr } = await cardWithScript([
    [apdu`80 52 00 00 20 ${SHARE} 00`, hex('0100 0000000000000000 9000')],
    [hex('8052000000'), hex('01006C609824B9CA28EB9000')],
  ]);
  t.deepEqual(await importDkekShare(card, SHARE), {
    total: 1,
    outstanding: 0,
    kcv: '0000000000000000',
    extra: new Uint8Array(0),
    kcvHidden: true,
  });
  t.deepEqual(await queryDkekStatus(card), {
    total: 1,
    outstanding: 0,
    kcv: '6C609824B9CA28EB',
    extra: new Uint8Array(0),
    kcvHidden: false,
  });
  tr.assertConsumed();
});

test('SELECT EF by FID 00 A4 00 00 02 <FID> 00: pico FCP 62/81 and real-card FCI 6F/80 (§2.4)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00A40000022F0200'), hex('620E810201BB82010183022F028A0105 9000')],
    [hex('00A40000022F0200'), hex('6F0B800201CE82010183022F02 9000')],
  ]);
  t.like(await selectFile(card, 0x2f02), { fid: 0x2f02, size: 443, descriptor: 1 });
  t.like(await selectFile(card, 0x2f02), { fid: 0x2f02, size: 462, descriptor: 1 });
  tr.assertConsumed();
});

test('READ BINARY: 00 B1 00 00 04 54 02 00 00 00 (peer trace), FID in P1P2, extended Le above 256, 6282 ends', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00B10000045402000000'), hex('0102 9000')],
    [apdu`00 B1 C4 01 | 00 00 04 | 54 02 01 00 | 04 00`, hex('03 6282')],
  ]);
  t.deepEqual(await readBinary(card, 0x0000, 0, 256), { data: hex('0102'), endOfFile: false });
  t.deepEqual(await readBinary(card, 0xc401, 256, 1024), { data: hex('03'), endOfFile: true });
  tr.assertConsumed();
});

test('readFile reads in chunks of maxResponseData until a short read', async (t) => {
  const a = new Uint8Array(256).fill(0x11);
  const b = new Uint8Array(10).fill(0x22);
  const { card, tr } = await cardWithScript(
    [
      [apdu`00 B1 2F 02 | 04 | 54 02 00 00 | 00`, new Uint8Array([...a, 0x90, 0x00])],
      [apdu`00 B1 2F 02 | 04 | 54 02 01 00 | 00`, new Uint8Array([...b, 0x90, 0x00])],
    ],
    { shortOnly: true },
  );
  t.deepEqual(await readFile(card, 0x2f02), new Uint8Array([...a, ...b]));
  tr.assertConsumed();
});

test('UPDATE BINARY: create 00 D7 CE 01 06 54 02 00 00 53 00 and the PRKD write of peer trace 14', async (t) => {
  const prkd = hex('302D30130C0A727361323034382D3130030206C0040101300A04011003020470020101A10A30083002040002020800');
  const { card, tr } = await cardWithScript([
    [hex('00D7CE0106540200005300'), hex('9000')],
    [apdu`00 D7 00 00 | 35 | 54 02 00 00 | 53 2F ${prkd}`, hex('9000')],
  ]);
  await createFile(card, 0xce01);
  await updateBinary(card, 0x0000, prkd);
  tr.assertConsumed();
  t.pass();
});

test('UPDATE BINARY splits into chunks that each carry their own offset (§3.3)', async (t) => {
  // short-only: maxCommandData 255 → chunks of 247 bytes (room for 54 02 xxxx 53 82 xxxx); Lc FE = 4 + 3 + 247
  const data = new Uint8Array(300).map((_, i) => i & 0xff);
  const { card, tr } = await cardWithScript(
    [
      [apdu`00 D7 2F 10 | FE | 54 02 00 00 | 53 81 F7 ${data.subarray(0, 247)}`, hex('9000')],
      [apdu`00 D7 2F 10 | 3B | 54 02 00 F7 | 53 35 ${data.subarray(247)}`, hex('9000')],
    ],
    { shortOnly: true },
  );
  await updateBinary(card, 0x2f10, data);
  tr.assertConsumed();
  t.pass();
});

test('DELETE FILE 00 E4 02 00 02 CE 01 (peer trace 14, §3.4)', async (t) => {
  const { card, tr } = await cardWithScript([[hex('00E4020002CE01'), hex('9000')]]);
  await deleteFile(card, 0xce01);
  tr.assertConsumed();
  t.pass();
});

test('GET CHALLENGE 00 84 00 00 08 / 20 (peer trace 07); > 1024 loops, > 256 extended Le', async (t) => {
  const r = (n: number): Uint8Array => new Uint8Array([...new Uint8Array(n).fill(0x5a), 0x90, 0x00]);
  const { card, tr } = await cardWithScript([
    [hex('0084000008'), r(8)],
    [hex('0084000020'), r(32)],
    [hex('00840000000400'), r(1024)],
    [hex('0084000010'), r(16)],
  ]);
  t.is((await getChallenge(card, 8)).length, 8);
  t.is((await getChallenge(card, 32)).length, 32);
  t.is((await getChallenge(card, 1040)).length, 1040);
  tr.assertConsumed();
});

test('CHANGE REFERENCE DATA: 00 24 00 81 old‖new; 00 24 00 88 with 8+8 byte SO-PINs (§3.7)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200081'), hex('63C3')], // the channel's guard asks the tries left first (never spends one)
    [apdu`00 24 00 81 | 0C | 363438323139 | 313233343536`, hex('9000')],
    [hex('00200088'), hex('63CF')],
    [apdu`00 24 00 88 | 10 | 3537363231383830 | 0102030405060708`, hex('9000')],
  ]);
  await changeReferenceData(card, { oldPin: '648219', newPin: '123456' });
  await changeReferenceData(card, { ref: 0x88, oldPin: '3537363231383830', newPin: '0102030405060708' });
  tr.assertConsumed();
  t.pass();
});

test('RESET RETRY COUNTER: P1 00 SO-PIN‖new PIN, P1 01 SO-PIN only (§3.8)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200088'), hex('63CF')], // the guard: the SO-PIN's tries (the resetting code it checks)
    [apdu`00 2C 00 81 | 0E | 3537363231383830 | 363438323139`, hex('9000')],
    [hex('00200088'), hex('63CF')],
    [apdu`00 2C 01 81 | 08 | 3537363231383830`, hex('9000')],
  ]);
  await resetRetryCounter(card, { soPin: '3537363231383830', newPin: '648219' });
  await resetRetryCounter(card, { soPin: '3537363231383830' });
  tr.assertConsumed();
  t.pass();
});

test('SIGN: RSA raw (algo 20) and ECDSA-SHA256 (algo 73), both 4E with Le 0200, as in peer traces 18/19', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex(SIGN_RSA_APDU), hex(SIGN_RSA_RESPONSE)],
    [hex(SIGN_EC_APDU), hex(SIGN_EC_RESPONSE)],
  ]);
  const digest = hex('2B34C95A99805E06734CCB69931A97EE9A25C66F2217D2C7D066C78D8794E97C');
  const block = new Uint8Array([0x00, 0x01, ...new Uint8Array(202).fill(0xff), 0x00, ...digestInfo('sha256', digest)]);
  t.is((await sign(card, 1, { kind: 'rsa-raw' }, block)).length, 256);
  const der = await sign(card, 2, { kind: 'ecdsa', hash: 'sha256' }, new TextEncoder().encode(SIGNED_TEXT));
  t.is(der[0], 0x30);
  tr.assertConsumed();
});

test('SIGN algorithm ids (§4): PKCS#1 DigestInfo 30, v1.5+SHA-512 35, PSS 40/43, ECDSA hash input 70', async (t) => {
  const d = hex('00112233');
  const { card, tr } = await cardWithScript([
    [apdu`80 68 03 30 | 00 00 04 | 00112233 | 02 00`, hex('01 9000')],
    [apdu`80 68 03 35 | 00 00 04 | 00112233 | 02 00`, hex('02 9000')],
    [apdu`80 68 03 40 | 00 00 04 | 00112233 | 02 00`, hex('03 9000')],
    [apdu`80 68 03 43 | 00 00 04 | 00112233 | 02 00`, hex('04 9000')],
    [apdu`80 68 05 70 | 00 00 04 | 00112233 | 02 00`, hex('05 9000')],
  ]);
  t.deepEqual(await sign(card, 3, { kind: 'rsa-pkcs1' }, d), hex('01'));
  t.deepEqual(await sign(card, 3, { kind: 'rsa-pkcs1', hash: 'sha512' }, d), hex('02'));
  t.deepEqual(await sign(card, 3, { kind: 'rsa-pss' }, d), hex('03'));
  t.deepEqual(await sign(card, 3, { kind: 'rsa-pss', hash: 'sha256' }, d), hex('04'));
  t.deepEqual(await sign(card, 5, { kind: 'ecdsa' }, d), hex('05'));
  tr.assertConsumed();
});

test('DECIPHER 80 62 <key> 21 (4E, Le 0200) and ECDH 80 62 <key> 80: the shared X from 04‖X‖Y (CardContact) and from 04‖X (pico) (§3.14)', async (t) => {
  const point = new Uint8Array([0x04, ...new Uint8Array(64).fill(7)]);
  const x = new Uint8Array(32).fill(0xaa);
  const y = new Uint8Array(32).fill(0xbb);
  const { card, tr } = await cardWithScript([
    [apdu`80 62 04 21 | 00 00 04 | CAFEBABE | 02 00`, hex('00020101 9000')],
    [apdu`80 62 06 80 | 00 00 41 | ${point} | 02 00`, Uint8Array.from([0x04, ...x, ...y, 0x90, 0x00])],
    [apdu`80 62 06 80 | 00 00 41 | ${point} | 02 00`, Uint8Array.from([0x04, ...x, 0x90, 0x00])],
    [apdu`80 62 06 80 | 00 00 41 | ${point} | 02 00`, hex('04 AABB 9000')],
  ]);
  t.deepEqual(await decipher(card, 4, hex('CAFEBABE')), hex('00020101'));
  t.deepEqual(await ecdh(card, 6, point), x, '04‖X‖Y → X');
  t.deepEqual(await ecdh(card, 6, point), x, '04‖X → X');
  await t.throwsAsync(ecdh(card, 6, point), {
    instanceOf: MalformedResponseError,
    message: /04‖X \(33 bytes\) or 04‖X‖Y \(65 bytes\), got 3/,
  });
  tr.assertConsumed();
});

test('CIPHER SYMMETRIC 80 78: CBC with the IV XOR-ed on the host (§3.15, §12.1 step 7), CMAC Le 10', async (t) => {
  const iv = hex('000102030405060708090A0B0C0D0E0F');
  const p = hex('10101010101010101010101010101010');
  const { card, tr } = await cardWithScript([
    [apdu`80 78 07 10 | 10 | 10111213141516171819 1A1B1C1D1E1F | 10`, hex('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA 9000')],
    [apdu`80 78 07 11 | 10 | AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | 10`, hex('10111213141516171819 1A1B1C1D1E1F 9000')],
    [apdu`80 78 07 18 | 03 | 616263 | 10`, hex('00000000000000000000000000000001 9000')],
  ]);
  t.deepEqual(await aesCbcEncrypt(card, 7, p, iv), hex('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
  t.deepEqual(await aesCbcDecrypt(card, 7, hex('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), iv), p);
  t.is((await aesCmac(card, 7, hex('616263'))).length, 16);
  await t.throwsAsync(aesCbcEncrypt(card, 7, hex('01')), { instanceOf: InvalidArgumentError });
  tr.assertConsumed();
});

test('UNWRAP KEY: blob in the command (80 74 <key> 93 Lc blob) or via EF 2F10 then case 1 (§3.18)', async (t) => {
  const blob = hex('0102030405');
  const { card, tr } = await cardWithScript([
    [apdu`80 74 09 93 | 05 | 0102030405`, hex('9000')],
    [hex('00E40200022F10'), hex('6A82')],
    [apdu`00 D7 2F 10 | 0B | 54 02 00 00 | 53 05 0102030405`, hex('9000')],
    [hex('80740993'), hex('9000')],
  ]);
  await unwrapKey(card, 9, blob);
  await unwrapKey(card, 9, blob, { via: 'ef' });
  tr.assertConsumed();
  t.pass();
});

test('GENERATE SYMMETRIC KEY 00 48 <key> B2 with tag 91 (§3.12)', async (t) => {
  const { card, tr } = await cardWithScript([
    [apdu`00 48 0A B2 | 06 | 91 04 10111899`, hex('9000')],
    [hex('00480BB0'), hex('9000')],
  ]);
  await generateSymmetricKey(card, { ref: 10, bits: 256, algorithms: [0x10, 0x11, 0x18, 0x99] });
  await generateSymmetricKey(card, { ref: 11, bits: 128 });
  tr.assertConsumed();
  t.pass();
});
