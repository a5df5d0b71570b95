// The small ciphers key import needs, against the published vectors of their RFCs and against OpenSSL's
// own implementations run as separate programs: RC2 (RFC 2268 §5), AES key wrap (RFC 3394 §4.1–4.6,
// RFC 5649 §6), the PKCS#12 KDF (a vector from Go's crypto/pkcs12 tests).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { aesKeyUnwrap } from '../../../src/card/formats/aes-key-wrap.ts';
import { FormatInputError, MacError } from '../../../src/card/formats/errors.ts';
import { bmpPassword, pkcs12Kdf } from '../../../src/card/formats/pkcs12-kdf.ts';
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from '../../../src/card/formats/rc2.ts';

const b = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

// RFC 2268 §5: key, effective key bits, plaintext, ciphertext
const RC2_VECTORS: readonly (readonly [string, number, string, string])[] = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
];

for (const [key, bits, plain, cipher] of RC2_VECTORS) {
  test(`RC2 RFC 2268 §5: key ${key.slice(0, 16)}… with ${bits} effective bits`, (t) => {
    const block = b(cipher);
    rc2DecryptBlock(rc2ExpandKey(b(key), bits), block);
    t.is(hex(block), plain);
  });
}

test('RC2-40-CBC decrypts what `openssl enc -rc2-40-cbc` (legacy provider) encrypted, padding removed; a wrong key is undefined', (t) => {
  const message = 'the certificate bag of a legacy PKCS#12 file';
  const ct = execFileSync(
    'openssl',
    ['enc', '-rc2-40-cbc', '-K', '0102030405', '-iv', '0001020304050607', '-provider', 'legacy', '-provider', 'default'],
    {
      input: message,
    },
  );
  const before = Buffer.from(ct);
  const out = rc2CbcDecrypt(b('0102030405'), 40, b('0001020304050607'), ct);
  t.is(Buffer.from(out ?? []).toString(), message);
  t.true(before.equals(ct), 'the input is unchanged (decryption works on a copy, also of a Buffer)');
  t.is(rc2CbcDecrypt(b('0102030406'), 40, b('0001020304050607'), ct), undefined);
  t.is(rc2CbcDecrypt(b('0102030405'), 40, b('0001020304050607'), ct.subarray(0, 7)), undefined, 'not whole blocks');
});

// RFC 3394 §4.1–4.6: KEK, key data, wrapped
const KW: readonly (readonly [string, string, string, string])[] = [
  ['4.1', '000102030405060708090A0B0C0D0E0F', '00112233445566778899AABBCCDDEEFF', '1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5'],
  [
    '4.2',
    '000102030405060708090A0B0C0D0E0F1011121314151617',
    '00112233445566778899AABBCCDDEEFF',
    '96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D',
  ],
  [
    '4.3',
    '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
    '00112233445566778899AABBCCDDEEFF',
    '64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7',
  ],
  [
    '4.4',
    '000102030405060708090A0B0C0D0E0F1011121314151617',
    '00112233445566778899AABBCCDDEEFF0001020304050607',
    '031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2',
  ],
  [
    '4.5',
    '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
    '00112233445566778899AABBCCDDEEFF0001020304050607',
    'A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1',
  ],
  [
    '4.6',
    '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
    '00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F',
    '28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21',
  ],
];

for (const [section, kek, plain, wrapped] of KW) {
  test(`AES key unwrap, RFC 3394 §${section}`, (t) => {
    const r = aesKeyUnwrap(b(kek), b(wrapped));
    t.is(r.mode, 'rfc3394');
    t.is(hex(r.plain), plain.toLowerCase());
  });
}

// RFC 5649 §6: 192-bit KEK, 20 octets (general case) and 7 octets (one block)
const KWP_KEK = '5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8';
test('AES key unwrap with padding, RFC 5649 §6: 20 octets and 7 octets', (t) => {
  const a = aesKeyUnwrap(b(KWP_KEK), b('138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a'));
  t.is(a.mode, 'rfc5649');
  t.is(hex(a.plain), 'c37b7e6492584340bed12207808941155068f738');
  const c = aesKeyUnwrap(b(KWP_KEK), b('afbeb0f07dfbf5419200f2ccb50bb24f'));
  t.is(c.mode, 'rfc5649');
  t.is(hex(c.plain), '466f7250617369');
});

test('AES key unwrap: a wrong KEK or a changed byte fails the integrity check; bad lengths and KEK sizes are input errors', (t) => {
  const wrong = b(KWP_KEK);
  wrong[0] = (wrong[0] ?? 0) ^ 1;
  t.throws(() => aesKeyUnwrap(wrong, b('138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a')), { instanceOf: MacError });
  const changed = b('1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5');
  changed[20] = (changed[20] ?? 0) ^ 0x80;
  t.throws(() => aesKeyUnwrap(b('000102030405060708090A0B0C0D0E0F'), changed), { instanceOf: MacError });
  t.throws(() => aesKeyUnwrap(b('000102030405060708090A0B0C0D0E0F'), new Uint8Array(20)), { instanceOf: FormatInputError });
  t.throws(() => aesKeyUnwrap(b('00010203'), new Uint8Array(24)), { instanceOf: FormatInputError, message: /16, 24 or 32 bytes/ });
});

test('AES key unwrap reads what `openssl enc -id-aes128-wrap-pad` wrote (CKM_AES_KEY_WRAP_PAD), any length', (t) => {
  for (const n of [1, 8, 9, 31, 121]) {
    const data = Buffer.alloc(n, 0x5a);
    const wrapped = execFileSync('openssl', ['enc', '-id-aes128-wrap-pad', '-K', '000102030405060708090a0b0c0d0e0f', '-iv', 'A65959A6'], {
      input: data,
    });
    t.is(hex(aesKeyUnwrap(b('000102030405060708090a0b0c0d0e0f'), wrapped).plain), data.toString('hex'), `${n} bytes`);
  }
});

test('PKCS#12 KDF (RFC 7292 B.2): the vector of Go crypto/pkcs12 (password "sesame", salt FF…FF, 2048 rounds, ID 1, 24 bytes)', (t) => {
  t.is(
    hex(pkcs12Kdf('sha1', bmpPassword('sesame'), b('ffffffffffffffff'), 2048, 1, 24)),
    '7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1',
  );
  t.is(hex(bmpPassword('ab')), '0061006200' + '00', 'BMPString with the terminating 00 00 (B.1)');
});
