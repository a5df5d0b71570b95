import test from 'ava';
import { aesCmac } from '../../src/sim/crypto/cmac.ts';
import { dkekKcv, dkekKenc, dkekKmac } from '../../src/sim/crypto/dkek.ts';
import { decodeKeyBlob, encodeKeyBlob } from '../../src/sim/crypto/key-blob.ts';
import { hex, unhex } from './crypto-fixtures.ts';

// §11.3: derived keys of the all-zero DKEK.
test('DKEK constants of the zero DKEK (§11.3)', (t) => {
  const zero = new Uint8Array(32);
  t.is(hex(dkekKcv(zero)), '66687aadf862bd77');
  t.is(hex(dkekKenc(zero)), '2158a8906d5e2c2be001bac943ab9cab4063536e1c546b40221fdf8db031a4bb');
  t.is(hex(dkekKmac(zero)), 'e15f374423633701e04fe17c1d640b34f2e27b8f6aec00e24f1dcf50ad0920b3');
});

// traces/README: the peer's single-share DKEK and its KCV.
test('KCV of the peer DKEK share 2c98…bf35 is 6C609824B9CA28EB', (t) => {
  t.is(hex(dkekKcv(unhex('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35'))), '6c609824b9ca28eb');
});

// RFC 4493 §4 examples (AES-128) and NIST SP 800-38B D.3 (AES-256).
const CMAC_VECTORS: ReadonlyArray<readonly [string, string, string]> = [
  ['2b7e151628aed2a6abf7158809cf4f3c', '', 'bb1d6929e95937287fa37d129b756746'],
  ['2b7e151628aed2a6abf7158809cf4f3c', '6bc1bee22e409f96e93d7e117393172a', '070a16b46b4d4144f79bdd9dd04a287c'],
  [
    '2b7e151628aed2a6abf7158809cf4f3c',
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411',
    'dfa66747de9ae63030ca32611497c827',
  ],
  [
    '2b7e151628aed2a6abf7158809cf4f3c',
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
    '51f0bebf7e3b9d92fc49741779363cfe',
  ],
  ['603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', '', '028962f61b7bf89efc6b551f4667d983'],
  [
    '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    '6bc1bee22e409f96e93d7e117393172a',
    '28a7023f452e8f82bd4bf28d8c37c35c',
  ],
];

for (const [key, msg, mac] of CMAC_VECTORS) {
  test(`AES-CMAC key ${key.slice(0, 8)}… message of ${msg.length / 2} bytes`, (t) => {
    t.is(hex(aesCmac(unhex(key), unhex(msg))), mac);
  });
}

// §11.6: synthetic AES-128 blob under the zero DKEK, random 11×8, allowed algorithms 10 11 18 99.
const BLOB_11_6 =
  '66687aadf862bd77 0f 0008 6086480165030401 0004 10111899 0000 0000' +
  '6a63cb154e2634fd6012de71ec6d0c86e64f938f0de0a73ce777f789287693fc' +
  'b2a084e09bf1cc244a01caf1edce4577';

test('encodes the §11.6 AES-128 blob byte for byte', (t) => {
  const blob = encodeKeyBlob(
    new Uint8Array(32),
    {
      type: 0x0f,
      defaultAlgorithm: unhex('6086480165030401'),
      allowedAlgorithms: unhex('10111899'),
      accessConditions: new Uint8Array(0),
      keyOid: new Uint8Array(0),
      keyData: unhex('0010 000102030405060708090a0b0c0d0e0f'),
    },
    unhex('1111111111111111'),
  );
  t.is(blob.length, 77);
  t.is(hex(blob), BLOB_11_6.replace(/\s+/g, ''));
});

test('decodes the §11.6 blob: header fields and key data (padding kept, parsed by length later)', (t) => {
  const r = decodeKeyBlob(new Uint8Array(32), unhex(BLOB_11_6));
  if (r.kind !== 'ok') return t.fail(r.detail);
  t.is(r.content.type, 0x0f);
  t.is(hex(r.content.defaultAlgorithm), '6086480165030401');
  t.is(hex(r.content.allowedAlgorithms), '10111899');
  t.is(r.content.accessConditions.length, 0);
  t.is(r.content.keyOid.length, 0);
  t.is(hex(r.content.keyData), '0010000102030405060708090a0b0c0d0e0f800000000000');
});

test('decode refuses a blob under another DKEK (KCV) and a blob with a flipped MAC or ciphertext bit', (t) => {
  const blob = unhex(BLOB_11_6);
  const other = new Uint8Array(32).fill(1);
  t.like(decodeKeyBlob(other, blob), { kind: 'error', reason: 'kcv' });
  const badMac = blob.slice();
  badMac[76] = (badMac[76] ?? 0) ^ 1;
  t.like(decodeKeyBlob(new Uint8Array(32), badMac), { kind: 'error', reason: 'mac' });
  const badBody = blob.slice();
  badBody[40] = (badBody[40] ?? 0) ^ 0x80;
  t.like(decodeKeyBlob(new Uint8Array(32), badBody), { kind: 'error', reason: 'mac' });
  t.like(decodeKeyBlob(new Uint8Array(32), blob.subarray(0, 30)), { kind: 'error', reason: 'format' });
});
