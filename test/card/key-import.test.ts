// Key import on the host and into the simulator (an implementation that shares no code with the card
// layer): every file kind OpenSSL writes is read to the public key OpenSSL derives, wrapped into a blob
// of the layout DKEK.js writes (RSA ≤ 2048 bits as type 06 CRT, larger as type 05, EC 0C, AES 0F, the
// allowed-algorithm lists of §4), accepted by UNWRAP KEY, and then used on the card: signatures that
// `openssl dgst -verify` accepts with OpenSSL's own public key, an AES-CMAC equal to `openssl mac`.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromHex, toHex } from '../../src/apdu/hex.ts';
import { aesCmac } from '../../src/card/commands/cipher-symmetric.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { wrapKey } from '../../src/card/commands/wrap-key.ts';
import { FileFormatError, FormatInputError } from '../../src/card/formats/errors.ts';
import { readKeyFile } from '../../src/card/formats/imported-key.ts';
import { detectKeyFile, type KeyFileFormat, parseKek } from '../../src/card/formats/key-file.ts';
import { spkiDer } from '../../src/card/formats/public-key.ts';
import { buildKeyImport, importKeyBlob, wrappedKeyFileOf } from '../../src/card/key-import.ts';
import { listKeys } from '../../src/card/keys.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { parseMechanism, signMessage } from '../../src/card/sign-message.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { newSim, PEER_SHARE, setupCard, USER_PIN } from '../cli/ops/helpers.ts';
import { AES_KEY_HEX, keyFiles, KEK_HEX, openssl, P12_PASSWORD, PKCS8_PASSWORD, spkiOf } from '../helpers/openssl-keys.ts';

const k = keyFiles();
const DKEK = fromHex(PEER_SHARE.share);
const read = (file: string, format: KeyFileFormat | 'auto' = 'auto', secrets: { password?: string | undefined; kek?: Uint8Array } = {}) => {
  const bytes = new Uint8Array(readFileSync(file));
  const kind = detectKeyFile(bytes, file, format, secrets.kek !== undefined);
  return { kind, key: readKeyFile(bytes, file, kind, secrets) };
};

async function card() {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const c = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await verifyPin(c, { pin: USER_PIN });
  return c;
}

/** Sign `message` on the card and let OpenSSL verify it with the public key file OpenSSL wrote. */
async function opensslVerifies(c: SmartCardHsm, ref: number, pubPem: string, alg: string, digest: string): Promise<boolean> {
  const message = new TextEncoder().encode(`signed by key ${ref}`);
  const sig = await signMessage(c, ref, parseMechanism(alg), message);
  const [m, s] = [path.join(k.dir, `m${ref}`), path.join(k.dir, `s${ref}`)];
  writeFileSync(m, message);
  writeFileSync(s, sig);
  try {
    return /Verified OK/.test(openssl(['dgst', `-${digest}`, '-verify', pubPem, '-signature', s, m]).toString());
  } catch {
    return false;
  }
}

const CASES: readonly (readonly [string, string, KeyFileFormat | 'auto', string | undefined, string, string])[] = [
  ['PKCS#12 (OpenSSL 3 default)', k.p12, 'auto', P12_PASSWORD, 'PKCS#12', k.ecPub],
  ['PKCS#12 -legacy', k.p12Legacy, 'auto', P12_PASSWORD, 'PKCS#12', k.ecPub],
  ['PKCS#1 PEM RSA-2048', k.rsa2048Pkcs1, 'auto', undefined, 'PKCS#1 PEM', k.rsa2048Pub],
  ['encrypted PKCS#8 PEM RSA-3072', k.rsa3072Enc, 'auto', PKCS8_PASSWORD, 'PKCS#8 PEM (encrypted)', k.rsa3072Pub],
  ['SEC1 PEM brainpoolP384r1', k.bp384Sec1, 'auto', undefined, 'SEC1 PEM', k.bp384Pub],
  ['PKCS#8 DER secp521r1', k.p521Der, 'auto', undefined, 'PKCS#8 DER', k.p521Pub],
];

for (const [name, file, format, password, source, pub] of CASES) {
  test(`${name}: recognised as ${source}, read to the public key OpenSSL derives`, (t) => {
    const { kind, key } = read(file, format, { password });
    t.is(kind.description, source);
    t.is(kind.needsPassword, password !== undefined);
    t.true(Buffer.from(spkiDer(key.publicKey!)).equals(spkiOf(pub)));
  });
}

test('PKCS#12: label, ID and certificate come from the file (friendlyName, localKeyId, the key’s certBag)', (t) => {
  const { key } = read(k.p12, 'auto', { password: P12_PASSWORD });
  t.is(key.label, 'signer one');
  t.is(toHex(key.id ?? new Uint8Array()).toLowerCase(), k.p12LocalKeyId);
  t.true(Buffer.from(key.certificate?.der ?? []).equals(k.ecCertDer));
  t.regex(key.certificate?.subject ?? '', /CN=metadata signer/);
  const built = buildKeyImport(key, DKEK, { ref: 4 });
  t.is(built.label, 'signer one');
  t.is(toHex(built.id).toLowerCase(), k.p12LocalKeyId);
  const over = buildKeyImport(key, DKEK, { ref: 4, label: 'other', id: fromHex('0102') });
  t.is(over.label, 'other');
  t.is(toHex(over.id), '0102');
});

test('a PEM key with its certificate in the same file: the certificate is stored with it; a foreign one is not', (t) => {
  const both = path.join(k.dir, 'key+cert.pem');
  writeFileSync(both, readFileSync(k.ecKey).toString() + readFileSync(k.ecCertPem).toString());
  t.true(Buffer.from(read(both).key.certificate?.der ?? []).equals(k.ecCertDer));
  const foreign = path.join(k.dir, 'rsa+eccert.pem');
  writeFileSync(foreign, readFileSync(k.rsa2048Pkcs1).toString() + readFileSync(k.ecCertPem).toString());
  const r = read(foreign).key;
  t.is(r.certificate, undefined);
  t.regex(r.warnings.join('\n'), /none of the certificates/);
});

test('raw AES keys need --format aes / aes-hex (16/24/32 bytes are never guessed); wrapped keys need the KEK', (t) => {
  t.throws(() => read(k.aesRaw), { instanceOf: FileFormatError, message: /cannot tell/ });
  const raw = read(k.aesRaw, 'aes').key;
  t.is(raw.kind, 'aes');
  t.is(toHex(raw.key.kind === 'aes' ? raw.key.key : new Uint8Array()).toLowerCase(), AES_KEY_HEX);
  t.is(read(k.aesHex, 'aes-hex').key.bits, 256);
  t.throws(() => read(k.rsa2048Pub, 'aes'), { instanceOf: FormatInputError, message: /16, 24 or 32 bytes/ });
  const kek = fromHex(KEK_HEX);
  const aes = read(k.wrappedAes, 'auto', { kek });
  t.is(aes.key.source, 'RFC 3394 (CKM_AES_KEY_WRAP) → AES key');
  t.is(toHex(aes.key.key.kind === 'aes' ? aes.key.key.key : new Uint8Array()).toLowerCase(), AES_KEY_HEX);
  const ec = read(k.wrappedEc, 'auto', { kek });
  t.is(ec.key.source, 'RFC 5649 (CKM_AES_KEY_WRAP_PAD) → PKCS#8');
  t.true(Buffer.from(spkiDer(ec.key.publicKey!)).equals(spkiOf(k.ecPub)));
  t.throws(() => read(k.wrappedEc, 'wrapped', { kek: fromHex('00'.repeat(32)) }), { message: /integrity check/ });
});

test('KEK files: 16/24/32 raw bytes or hex text; 32 hex digits without a newline are refused as ambiguous', (t) => {
  t.is(toHex(parseKek(fromHex(KEK_HEX), 'kek')).toLowerCase(), KEK_HEX);
  t.is(toHex(parseKek(new TextEncoder().encode(`${KEK_HEX}\n`), 'kek')).toLowerCase(), KEK_HEX);
  t.throws(() => parseKek(new TextEncoder().encode(KEK_HEX.slice(0, 32)), 'kek'), { message: /both as 32 raw bytes and as hex/ });
  t.throws(() => parseKek(new Uint8Array(20), 'kek'), { message: /not an AES key/ });
});

test('the blob is DKEK.js’s layout: the device KCV, type 06 for RSA-2048, 05 for RSA-3072, 0C for EC, 0F for AES; §4 lists; 92 only when exportable', (t) => {
  const blobOf = (file: string, format: KeyFileFormat | 'auto', password?: string, noExport = false) =>
    buildKeyImport(read(file, format, { password }).key, DKEK, { ref: 1, noExport }).blob;
  const rsa = blobOf(k.rsa2048Pkcs1, 'auto');
  t.is(toHex(rsa.subarray(0, 8)), PEER_SHARE.kcv);
  t.is(rsa[8], 0x06);
  // after KCV(8) type(1) len(2) OID(10): len(2) allowed
  t.is(toHex(rsa.subarray(21, 23 + 13)), '000D' + '202130313334354041434445' + '92');
  t.is(blobOf(k.rsa3072Enc, 'auto', PKCS8_PASSWORD)[8], 0x05);
  const ec = blobOf(k.bp384Sec1, 'auto', undefined, true);
  t.is(ec[8], 0x0c);
  t.is(toHex(ec.subarray(21, 23 + 8)), '0008' + '7071727374758098');
  const aes = blobOf(k.aesRaw, 'aes');
  t.is(aes[8], 0x0f);
  t.is(toHex(aes.subarray(19, 21 + 5)), '0005' + '1011189992', 'AES default OID is 8 bytes');
});

test('UNWRAP into the simulator: every kind signs there as OpenSSL expects; --no-export keys refuse WRAP KEY', async (t) => {
  const c = await card();
  const go = async (file: string, format: KeyFileFormat | 'auto', ref: number, password?: string, noExport = false) => {
    const built = buildKeyImport(read(file, format, { password }).key, DKEK, { ref, noExport });
    return importKeyBlob(c, built);
  };
  t.is((await go(k.p12Legacy, 'auto', 1, P12_PASSWORD)).result, 'verified');
  t.true(await opensslVerifies(c, 1, k.ecPub, 'ECDSA-SHA256', 'sha256'));
  t.is((await go(k.rsa3072Enc, 'auto', 2, PKCS8_PASSWORD)).result, 'verified');
  t.true(await opensslVerifies(c, 2, k.rsa3072Pub, 'SHA256-RSA-PKCS', 'sha256'), 'a type-05 (d, n, e) RSA-3072 key');
  t.is((await go(k.rsa2048Pkcs1, 'auto', 3, undefined, true)).result, 'verified');
  t.true(await opensslVerifies(c, 3, k.rsa2048Pub, 'SHA384-RSA-PKCS', 'sha384'));
  t.is((await go(k.bp384Sec1, 'auto', 4)).result, 'verified');
  t.true(await opensslVerifies(c, 4, k.bp384Pub, 'ECDSA-SHA384', 'sha384'));
  t.is((await go(k.p521Der, 'auto', 5)).result, 'verified');
  t.true(await opensslVerifies(c, 5, k.p521Pub, 'ECDSA-SHA512', 'sha512'));
  t.is((await go(k.aesRaw, 'aes', 6)).result, 'verified');
  const data = new Uint8Array(32).fill(0x42);
  const input = path.join(k.dir, 'cmac-input');
  writeFileSync(input, data);
  const expected = openssl(['mac', '-cipher', 'AES-256-CBC', '-macopt', `hexkey:${AES_KEY_HEX}`, '-in', input, 'CMAC'])
    .toString()
    .trim();
  t.is(toHex(await aesCmac(c, 6, data)), expected.toUpperCase(), 'the card’s AES-CMAC is OpenSSL’s');
  await t.throwsAsync(wrapKey(c, 3), undefined, 'key 3 was imported with --no-export');
  t.true((await wrapKey(c, 1)).length > 0, 'key 1 may be exported');
  const keys = await listKeys(c);
  t.deepEqual(
    keys.map((x) => [x.ref, x.kind, x.size, x.certificate ?? null]),
    [
      [1, 'ec', 256, 'x509'],
      [2, 'rsa', 3072, null],
      [3, 'rsa', 2048, null],
      [4, 'ec', 384, null],
      [5, 'ec', 521, null],
      [6, 'aes', 256, null],
    ],
  );
  t.is(keys[0]?.label, 'signer one');
});

test('the sc-hsm-tool wrapped-key file of an import: 30 { 04 blob, PRKD, certificate }', (t) => {
  const built = buildKeyImport(read(k.p12, 'auto', { password: P12_PASSWORD }).key, DKEK, { ref: 7 });
  const file = wrappedKeyFileOf(built);
  t.is(file[0], 0x30);
  const hexed = toHex(file);
  t.true(hexed.includes(toHex(built.blob)));
  t.true(hexed.endsWith(toHex(k.ecCertDer)), 'the certificate last, as EF CExx holds it');
  t.true(hexed.includes(toHex(built.prkd)));
  t.is(built.prkd[0], 0xa0, 'an EC PRKD');
});
