import test from 'ava';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaDerToRaw, ecdsaFieldBytes, ecdsaRawToDer, FileFormatError, FormatInputError } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

// Real SIGN response (P-256, ECDSA-SHA256) from traces/opensc-vs-independent-card/19-sign-ecdsa-sha256.spy.log.
const DER = bytes(`3045 0220 3ba6e1ba5b73bac9d18ebb25d46c729d89e2ebcd5f808a5fc8a74b67f6847f0d
                   0221 00ef74e32b036d63598addcb54e49c35881186d5531360e2a882f50568ad16e639`);
const RAW = bytes(`3ba6e1ba5b73bac9d18ebb25d46c729d89e2ebcd5f808a5fc8a74b67f6847f0d
                   ef74e32b036d63598addcb54e49c35881186d5531360e2a882f50568ad16e639`);

test('real card signature: DER → r ‖ s and back', (t) => {
  t.is(hex(ecdsaDerToRaw(DER, 32)), hex(RAW));
  t.is(hex(ecdsaRawToDer(RAW)), hex(DER));
});

test('short r and s are left-padded; leading zeros are dropped in DER', (t) => {
  t.is(hex(ecdsaDerToRaw(bytes('3006 0201 05 0201 7f'), 4)), '00000005' + '0000007f');
  t.is(hex(ecdsaRawToDer(bytes('00000005 00000080'))), '3007020105020200' + '80');
  t.is(hex(ecdsaRawToDer(bytes('0000 0000'))), '3006020100020100');
});

test('field sizes: P-256 32, P-384 48, P-521 66 bytes', (t) => {
  t.deepEqual([256, 384, 521, 512].map(ecdsaFieldBytes), [32, 48, 66, 64]);
});

for (const [curve, bits] of [
  ['prime256v1', 256],
  ['secp521r1', 521],
  ['brainpoolP384r1', 384],
] as const) {
  test(`node signs DER on ${curve}; the converted r ‖ s verifies as IEEE P1363`, (t) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 20; i++) {
      const data = Buffer.from(`message ${i}`);
      const der = new Uint8Array(sign('sha256', data, privateKey));
      const raw = ecdsaDerToRaw(der, ecdsaFieldBytes(bits));
      t.is(raw.length, 2 * ecdsaFieldBytes(bits));
      t.true(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
      t.is(hex(ecdsaRawToDer(raw)), hex(der));
    }
  });
}

test('malformed DER and wrong sizes are rejected', (t) => {
  t.throws(() => ecdsaDerToRaw(bytes('3106020105020105'), 32), { instanceOf: FileFormatError, message: /SEQUENCE/ });
  t.throws(() => ecdsaDerToRaw(bytes('300602010502010500'), 32), { instanceOf: FileFormatError, message: /after the SEQUENCE/ });
  t.throws(() => ecdsaDerToRaw(bytes('3003020105'), 32), { instanceOf: FileFormatError, message: /malformed s/ });
  t.throws(() => ecdsaDerToRaw(bytes('3006020185020105'), 32), { instanceOf: FileFormatError, message: /r is negative/ });
  t.throws(() => ecdsaDerToRaw(bytes('30090201050201050401ff'), 32), { instanceOf: FileFormatError, message: /extra data/ });
  t.throws(() => ecdsaDerToRaw(DER, 31), { instanceOf: FileFormatError, message: /more than the field size 31/ });
  t.throws(() => ecdsaRawToDer(bytes('010203')), { instanceOf: FormatInputError });
});
