import test from 'ava';
import {
  decodeKeyBlob,
  decryptKeyBlobCiphertext,
  describeBlobKey,
  encodeKeyBlob,
  encodeKeyBlobPlaintext,
  FileFormatError,
  KcvMismatchError,
  MacError,
  openKeyBlob,
} from '../../../src/card/formats/index.ts';
import type { KeyBlob } from '../../../src/card/formats/index.ts';
import { ecFixture, rsaFixture } from './key-fixtures.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const ZERO_DKEK = new Uint8Array(32);
const PEER_DKEK = bytes('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');

// §11.6: synthetic AES-128 blob, DKEK = 0, key = 00..0f, random = 11×8, allowed = 10 11 18 99.
const AES_BLOB = bytes(`66687aadf862bd77 0f 0008 6086480165030401 0004 10111899 0000 0000
  6a63cb154e2634fd6012de71ec6d0c86e64f938f0de0a73ce777f789287693fc
  b2a084e09bf1cc244a01caf1edce4577`);
const AES_KEY = bytes('000102030405060708090a0b0c0d0e0f');

test('§11.6: encodeKeyBlob reproduces the synthetic AES-128 blob', (t) => {
  const blob = encodeKeyBlob({ kind: 'aes', key: AES_KEY }, ZERO_DKEK, { random: bytes('1111111111111111') });
  t.is(hex(blob), hex(AES_BLOB));
});

test('§11.6: the blob header decodes field by field', (t) => {
  const b = decodeKeyBlob(AES_BLOB);
  t.is(hex(b.kcv), '66687aadf862bd77');
  t.is(b.keyType, 0x0f);
  t.is(hex(b.defaultAlgorithm), '6086480165030401');
  t.is(hex(b.allowedAlgorithms), '10111899');
  t.is(b.accessConditions.length, 0);
  t.is(b.keyOid.length, 0);
  t.is(b.ciphertext.length, 32);
  t.is(hex(b.mac), 'b2a084e09bf1cc244a01caf1edce4577');
  t.is(b.authenticated.length, 61);
});

test('§11.6 with §11.3 Kenc: the ciphertext decrypts to the listed plaintext', (t) => {
  const kenc = bytes('2158a8906d5e2c2be001bac943ab9cab4063536e1c546b40221fdf8db031a4bb');
  t.is(hex(decryptKeyBlobCiphertext(decodeKeyBlob(AES_BLOB), kenc)), `11111111111111110010${hex(AES_KEY)}800000000000`);
});

test('§11.6: openKeyBlob verifies, decrypts and describes the AES key', (t) => {
  const { blob, plaintext } = openKeyBlob(AES_BLOB, ZERO_DKEK);
  t.deepEqual(plaintext.key, { kind: 'aes', key: AES_KEY });
  t.is(plaintext.keySize, 16);
  t.is(hex(plaintext.random), '1111111111111111');
  const d = describeBlobKey(blob, plaintext);
  t.like(d, { kind: 'aes', keyType: 15, typeName: 'AES', bits: 128, consistent: true, fingerprint: undefined });
  t.deepEqual(d.allowedAlgorithms, ['10 AES-CBC encrypt', '11 AES-CBC decrypt', '18 AES-CMAC', '99 AES key derivation']);
  t.is(d.defaultAlgorithm, '2.16.840.1.101.3.4.1 (aes)');
});

test('a wrong DKEK is a KCV mismatch naming both KCVs', (t) => {
  const err = t.throws(() => openKeyBlob(AES_BLOB, PEER_DKEK), { instanceOf: KcvMismatchError });
  t.is(err?.code, 'ERR_SCHSM_KCV_MISMATCH');
  t.is(err?.expected, '66687AADF862BD77');
  t.is(err?.actual, '6C609824B9CA28EB');
  t.regex(err?.message ?? '', /66687AADF862BD77.*6C609824B9CA28EB/);
});

test('a changed type, OID, algorithm list, ciphertext or MAC byte fails MAC verification', (t) => {
  for (const at of [8, 12, 21, 29, 40, 60, 61, 76]) {
    const bad = AES_BLOB.slice();
    bad[at] = (bad[at] ?? 0) ^ 0x01;
    const err = t.throws(() => openKeyBlob(bad, ZERO_DKEK), { instanceOf: MacError }, `byte ${at}`);
    t.is(err?.code, 'ERR_SCHSM_MAC');
  }
});

test('malformed blobs are format errors', (t) => {
  t.throws(() => decodeKeyBlob(AES_BLOB.subarray(0, 40)), { instanceOf: FileFormatError });
  t.throws(() => decodeKeyBlob(AES_BLOB.subarray(0, 70)), { instanceOf: FileFormatError, message: /not a positive multiple of 16/ });
  const longOid = AES_BLOB.slice();
  longOid[10] = 0x7f; // default-algorithm length 0x7F08 runs past the end
  t.throws(() => decodeKeyBlob(longOid), { instanceOf: FileFormatError, message: /runs past the end/ });
});

test('an unknown key type with a valid MAC is a format error', (t) => {
  // Only the parsed view's type is changed, so KCV and MAC still verify and the type check is reached.
  const blob: KeyBlob = { ...decodeKeyBlob(AES_BLOB), keyType: 0x07 };
  t.throws(() => openKeyBlob(blob, ZERO_DKEK), { instanceOf: FileFormatError, message: /unknown key type 0x07/ });
});

test('plaintext padding is ISO 9797-1 method 2: a full 80 00… block when already aligned', (t) => {
  // random(8) ‖ size(2) ‖ d(2+4) ‖ n(2+8) ‖ e(2+4) = 32 bytes → + 16 bytes 80 00…
  const plain = encodeKeyBlobPlaintext({
    random: bytes('0102030405060708'),
    keySize: 64,
    key: { kind: 'rsa', d: bytes('0a0b0c0d'), n: bytes('c0c1c2c3c4c5c6c7'), e: bytes('00010001') },
  });
  t.is(hex(plain), `0102030405060708004000040a0b0c0d0008c0c1c2c3c4c5c6c700040001000180${'00'.repeat(15)}`);
});

for (const curve of ['prime256v1', 'brainpoolP256r1', 'secp384r1', 'secp521r1', 'secp256k1']) {
  test(`EC ${curve}: blob round trip, curve found by p, SPKI fingerprint equals OpenSSL's`, (t) => {
    const f = ecFixture(curve);
    const blob = encodeKeyBlob(f.key, PEER_DKEK, { allowedAlgorithms: bytes('7073') });
    t.is(hex(blob.subarray(8, 9 + 12)), '0c000a04007f00070202020203');
    const { blob: decoded, plaintext } = openKeyBlob(blob, PEER_DKEK);
    t.deepEqual(plaintext.key, f.key);
    const d = describeBlobKey(decoded, plaintext);
    t.is(d.curve?.name as string | undefined, curve);
    t.is(d.keySizeField, f.key.p.length * 8);
    t.is(d.bits, curve === 'secp521r1' ? 521 : Number(/\d+/.exec(curve.replace('prime', ''))?.[0]));
    t.is(d.fingerprint, f.fingerprint);
    t.true(d.consistent, d.problems.join('; '));
    t.deepEqual(d.allowedAlgorithms, ['70 ECDSA (hash input)', '73 ECDSA SHA-256']);
  });
}

test('EC key on a curve the SmartCard-HSM does not generate (brainpoolP192r1): no public key, problem named', (t) => {
  const f = ecFixture('brainpoolP192r1');
  const { blob, plaintext } = openKeyBlob(encodeKeyBlob(f.key, ZERO_DKEK), ZERO_DKEK);
  const d = describeBlobKey(blob, plaintext);
  t.like(d, { kind: 'ec', curve: undefined, bits: 192, fingerprint: undefined, consistent: false });
  t.deepEqual(d.problems, ['EC curve not recognised (field prime unknown)']);
});

test('EC key whose Q is not d·G is reported inconsistent', (t) => {
  const f = ecFixture('prime256v1');
  const other = ecFixture('prime256v1');
  const mixed = { ...f.key, publicPoint: other.key.publicPoint };
  const { blob, plaintext } = openKeyBlob(encodeKeyBlob(mixed, ZERO_DKEK), ZERO_DKEK);
  const d = describeBlobKey(blob, plaintext);
  t.false(d.consistent);
  t.deepEqual(d.problems, ['EC public point Q ≠ d·G']);
  t.is(d.fingerprint, other.fingerprint);
});

test('RSA-2048 as CRT (type 6) and as d, n, e (type 5): size, fingerprint, consistency', (t) => {
  const f = rsaFixture(2048);
  for (const key of [f.crt, f.plain]) {
    const blob = encodeKeyBlob(key, ZERO_DKEK);
    t.is(blob[8], key.kind === 'rsa' ? 5 : 6);
    t.is(hex(blob.subarray(9, 21)), '000a04007f00070202020102');
    const { blob: decoded, plaintext } = openKeyBlob(blob, ZERO_DKEK);
    t.is(plaintext.keySize, 2048);
    t.deepEqual(plaintext.key, key);
    const d = describeBlobKey(decoded, plaintext);
    t.like(d, { kind: 'rsa', bits: 2048, fingerprint: f.fingerprint, consistent: true });
  }
  const broken = { ...f.crt, qInv: f.crt.dP };
  const { blob, plaintext } = openKeyBlob(encodeKeyBlob(broken, ZERO_DKEK), ZERO_DKEK);
  t.deepEqual(describeBlobKey(blob, plaintext).problems, ['RSA qInv·q ≠ 1 mod p']);
});
