import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { cipherSymmetric } from '../../src/sim/handlers/cipher-symmetric.ts';
import { generateSymmetricKey } from '../../src/sim/handlers/generate-symmetric-key.ts';
import { aesKey, call, hex, makeContext, unhex } from './crypto-fixtures.ts';

// CIPHER SYMMETRIC 80 78 KeyId Algo | data (§3.15), checked against node's AES and `openssl mac CMAC`;
// GENERATE SYMMETRIC KEY 00 48 KeyId B0/B1/B2 [91|90|92|93 TLVs] (§3.12).

const CIPHER = (key: number, algo: number) => [0x80, 0x78, key, algo] as const;
const GSK = (key: number, size: number) => [0x00, 0x48, key, size] as const;

function opensslCmac(key: Uint8Array, data: Uint8Array): string {
  const out = execFileSync('openssl', ['mac', '-cipher', `AES-${key.length * 8}-CBC`, '-macopt', `hexkey:${hex(key)}`, 'CMAC'], {
    input: data,
  });
  return out.toString().trim().toLowerCase();
}

function aesCbc(key: Uint8Array, data: Uint8Array, encrypt: boolean): string {
  const iv = Buffer.alloc(16);
  const name = `aes-${key.length * 8}-cbc`;
  const c = encrypt ? createCipheriv(name, key, iv) : createDecipheriv(name, key, iv);
  c.setAutoPadding(false);
  return hex(Buffer.concat([c.update(data), c.final()]));
}

for (const bytes of [16, 24, 32]) {
  test(`AES-${bytes * 8}: 10 encrypt / 11 decrypt with zero IV match node, 18 CMAC matches openssl`, async (t) => {
    const ctx = makeContext();
    const key = aesKey(bytes);
    ctx.state.keys.set(1, key);
    const data = new Uint8Array(randomBytes(48));
    const enc = await call(cipherSymmetric, ctx, CIPHER(1, 0x10), data);
    t.is(enc.sw, 0x9000);
    t.is(hex(enc.data), aesCbc(key.material, data, true));
    const dec = await call(cipherSymmetric, ctx, CIPHER(1, 0x11), enc.data);
    t.is(hex(dec.data), hex(data));
    t.is(hex(dec.data), aesCbc(key.material, enc.data, false));
    const msg = new TextEncoder().encode('CMAC over a message that is not block aligned');
    const mac = await call(cipherSymmetric, ctx, CIPHER(1, 0x18), msg);
    t.is(mac.sw, 0x9000);
    t.is(hex(mac.data), opensslCmac(key.material, msg));
  });
}

test('99 derive = SP 800-108 counter KDF with AES-CMAC: CMAC(k, 00000001‖data) ‖ CMAC(k, 00000002‖data)', async (t) => {
  const ctx = makeContext();
  const key = aesKey(32);
  ctx.state.keys.set(1, key);
  const info = new TextEncoder().encode('derivation context');
  const r = await call(cipherSymmetric, ctx, CIPHER(1, 0x99), info);
  t.is(r.sw, 0x9000);
  const expected =
    opensslCmac(key.material, Buffer.concat([unhex('00000001'), info])) +
    opensslCmac(key.material, Buffer.concat([unhex('00000002'), info]));
  t.is(hex(r.data), expected);
});

test('CBC data that is not whole blocks → 6A80; unknown id → 6A86; no PIN → 6982; no key → 6A82', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, aesKey(16));
  t.is((await call(cipherSymmetric, ctx, CIPHER(1, 0x10), new Uint8Array(15))).sw, 0x6a80);
  t.is((await call(cipherSymmetric, ctx, CIPHER(1, 0x11), new Uint8Array(0))).sw, 0x6a80);
  t.is((await call(cipherSymmetric, ctx, CIPHER(1, 0x12), new Uint8Array(16))).sw, 0x6a86);
  t.is((await call(cipherSymmetric, makeContext({ userAuthenticated: false }), CIPHER(1, 0x10), new Uint8Array(16))).sw, 0x6982);
  t.is((await call(cipherSymmetric, ctx, CIPHER(2, 0x10), new Uint8Array(16))).sw, 0x6a82);
});

test('GSK B2 with 91 10 18, 90 00000002: AES-256 key, only CBC-encrypt and CMAC allowed, two uses', async (t) => {
  const ctx = makeContext();
  // 91 02 10 18 | 90 04 00 00 00 02
  const r = await call(generateSymmetricKey, ctx, GSK(3, 0xb2), unhex('91021018 900400000002'));
  t.is(r.sw, 0x9000);
  t.is(r.data.length, 0);
  const key = ctx.state.keys.get(3);
  t.is(key?.kind, 'aes');
  t.is(key?.material.length, 32);
  t.is(key?.bits, 256);
  t.is(key?.useCounter, 2);
  t.is((await call(cipherSymmetric, ctx, CIPHER(3, 0x11), new Uint8Array(16))).sw, 0x6a81);
  t.is((await call(cipherSymmetric, ctx, CIPHER(3, 0x99), new Uint8Array(16))).sw, 0x6a81);
  t.is((await call(cipherSymmetric, ctx, CIPHER(3, 0x10), new Uint8Array(16))).sw, 0x9000);
  t.is((await call(cipherSymmetric, ctx, CIPHER(3, 0x18), new Uint8Array(16))).sw, 0x9000);
  t.is((await call(cipherSymmetric, ctx, CIPHER(3, 0x18), new Uint8Array(16))).sw, 0x6984);
});

test('GSK sizes B0/B1 → 16/24-byte keys without restrictions; B3 → 6A86; PIN → 6982; bad TLV → 6A80', async (t) => {
  const ctx = makeContext();
  t.is((await call(generateSymmetricKey, ctx, GSK(1, 0xb0))).sw, 0x9000);
  t.is((await call(generateSymmetricKey, ctx, GSK(2, 0xb1))).sw, 0x9000);
  t.is(ctx.state.keys.get(1)?.material.length, 16);
  t.is(ctx.state.keys.get(2)?.material.length, 24);
  t.is(ctx.state.keys.get(1)?.algorithms, undefined);
  t.is((await call(cipherSymmetric, ctx, CIPHER(1, 0x99), new Uint8Array(1))).sw, 0x9000);
  t.is((await call(generateSymmetricKey, ctx, GSK(4, 0xb3))).sw, 0x6a86);
  t.is((await call(generateSymmetricKey, makeContext({ userAuthenticated: false }), GSK(4, 0xb0))).sw, 0x6982);
  t.is((await call(generateSymmetricKey, ctx, GSK(4, 0xb0), unhex('9901 00'))).sw, 0x6a80);
  t.false(ctx.state.keys.has(4));
});

test('GSK while DKEK shares are outstanding → 6985 (no key generation before the DKEK is complete, §3.9)', async (t) => {
  const ctx = makeContext({ outstanding: 1 });
  t.is((await call(generateSymmetricKey, ctx, GSK(1, 0xb0))).sw, 0x6985);
  t.false(ctx.state.keys.has(1));
});
