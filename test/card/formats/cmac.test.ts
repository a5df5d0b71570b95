import test from 'ava';
import { computeAesCmac, cmacSubkeys, FormatInputError, verifyAesCmac } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

// NIST SP 800-38B appendix D / RFC 4493 §4 example message (first 0, 16, 40, 64 bytes are used).
const M = bytes(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const K128 = bytes('2b7e151628aed2a6abf7158809cf4f3c');
const K256 = bytes('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');

test('RFC 4493 subkeys for the AES-128 example key', (t) => {
  const { k1, k2 } = cmacSubkeys(K128);
  t.is(hex(k1), 'fbeed618357133667c85e08f7236a8de');
  t.is(hex(k2), 'f7ddac306ae266ccf90bc11ee46d513b');
});

const VECTORS: ReadonlyArray<readonly [string, Uint8Array, number, string]> = [
  ['AES-128', K128, 0, 'bb1d6929e95937287fa37d129b756746'],
  ['AES-128', K128, 16, '070a16b46b4d4144f79bdd9dd04a287c'],
  ['AES-128', K128, 40, 'dfa66747de9ae63030ca32611497c827'],
  ['AES-128', K128, 64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ['AES-256', K256, 0, '028962f61b7bf89efc6b551f4667d983'],
  ['AES-256', K256, 16, '28a7023f452e8f82bd4bf28d8c37c35c'],
  ['AES-256', K256, 40, 'aaf3d8f1de5640c232f5b169b9c911e6'],
  ['AES-256', K256, 64, 'e1992190549f6ed5696a2c056c315410'],
];

for (const [name, key, len, mac] of VECTORS) {
  test(`SP 800-38B ${name} example, ${len}-byte message`, (t) => {
    t.is(hex(computeAesCmac(key, M.subarray(0, len))), mac);
    t.true(verifyAesCmac(key, M.subarray(0, len), bytes(mac)));
  });
}

test('verification fails for a changed message, a changed MAC or a short MAC', (t) => {
  const mac = bytes('dfa66747de9ae63030ca32611497c827');
  const msg = M.slice(0, 40);
  msg[39] = (msg[39] ?? 0) ^ 1;
  t.false(verifyAesCmac(K128, msg, mac));
  const bad = mac.slice();
  bad[0] = (bad[0] ?? 0) ^ 0x80;
  t.false(verifyAesCmac(K128, M.subarray(0, 40), bad));
  t.false(verifyAesCmac(K128, M.subarray(0, 40), mac.subarray(0, 8)));
});

test('the key must be an AES key length', (t) => {
  t.throws(() => computeAesCmac(new Uint8Array(20), M), { instanceOf: FormatInputError });
});
