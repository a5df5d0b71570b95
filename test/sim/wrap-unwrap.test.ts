import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createCipheriv, createHash, randomBytes, verify } from 'node:crypto';
import { cipherSymmetric } from '../../src/sim/handlers/cipher-symmetric.ts';
import { sign } from '../../src/sim/handlers/sign.ts';
import { unwrapKey } from '../../src/sim/handlers/unwrap-key.ts';
import { wrapKey } from '../../src/sim/handlers/wrap-key.ts';
import type { SimContext } from '../../src/sim/types.ts';
import { aesKey, call, ecKey, hex, makeContext, rsaKey, unhex } from './crypto-fixtures.ts';

// WRAP KEY 80 72 KeyId 92 (§3.17) and UNWRAP KEY 80 74 KeyId 93 [blob] (§3.18); blob layout §9.1.
// Blobs are opened here with node's AES and the §11.3 constants of the zero DKEK, MACs checked
// with `openssl mac`, and test-built blobs use the same independent tools.

const KCV0 = '66687aadf862bd77';
const KENC0 = '2158a8906d5e2c2be001bac943ab9cab4063536e1c546b40221fdf8db031a4bb';
const KMAC0 = 'e15f374423633701e04fe17c1d640b34f2e27b8f6aec00e24f1dcf50ad0920b3';
const WRAP = (k: number) => [0x80, 0x72, k, 0x92] as const;
const UNWRAP = (k: number) => [0x80, 0x74, k, 0x93] as const;
const MSG = new TextEncoder().encode('signed by the restored key');

const rsa = rsaKey(2048);
const p256 = ecKey('prime256v1', 256);
const bp256 = ecKey('brainpoolP256r1', 256);

function cmac(keyHex: string, data: Uint8Array): string {
  return execFileSync('openssl', ['mac', '-cipher', 'AES-256-CBC', '-macopt', `hexkey:${keyHex}`, 'CMAC'], { input: data })
    .toString()
    .trim()
    .toLowerCase();
}

function aes256(keyHex: string, data: Uint8Array, encrypt: boolean): Uint8Array {
  const c = (encrypt ? createCipheriv : createDecipheriv)('aes-256-cbc', unhex(keyHex), Buffer.alloc(16));
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** Split a blob per §9.1 by hand: header fields, decrypted plaintext (after the 8 random bytes). */
function openBlob(blob: Uint8Array) {
  let off = 9;
  const fields: string[] = [];
  for (let i = 0; i < 4; i++) {
    const len = ((blob[off] ?? 0) << 8) | (blob[off + 1] ?? 0);
    fields.push(hex(blob.subarray(off + 2, off + 2 + len)));
    off += 2 + len;
  }
  const mac = blob.subarray(blob.length - 16);
  const plain = aes256(KENC0, blob.subarray(off, blob.length - 16), false);
  return {
    kcv: hex(blob.subarray(0, 8)),
    type: blob[8],
    fields,
    macOk: hex(mac) === cmac(KMAC0, blob.subarray(0, blob.length - 16)),
    plain: plain.subarray(8),
  };
}

/** Key size then `count` len(2)‖value components. */
function components(body: Uint8Array, count: number): { size: number; parts: string[]; rest: Uint8Array } {
  const parts: string[] = [];
  let off = 2;
  for (let i = 0; i < count; i++) {
    const len = ((body[off] ?? 0) << 8) | (body[off + 1] ?? 0);
    parts.push(hex(body.subarray(off + 2, off + 2 + len)));
    off += 2 + len;
  }
  return { size: ((body[0] ?? 0) << 8) | (body[1] ?? 0), parts, rest: body.subarray(off) };
}

const b64hex = (s: string | undefined, len: number): string => hex(Buffer.from(s ?? '', 'base64url')).padStart(len * 2, '0');

async function roundTrip(t: import('ava').ExecutionContext, ctx: SimContext): Promise<Uint8Array> {
  const w = await call(wrapKey, ctx, WRAP(1));
  t.is(w.sw, 0x9000);
  t.is((await call(unwrapKey, ctx, UNWRAP(10), w.data)).sw, 0x9000);
  return w.data;
}

test('RSA-2048: blob is type 6 (CRT) with dP dQ p qInv q n e, MAC verifies; restored key signs for the original', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, rsa.record);
  const blob = await roundTrip(t, ctx);
  const b = openBlob(blob);
  t.is(b.kcv, KCV0);
  t.is(b.type, 0x06);
  t.deepEqual(b.fields, ['04007f00070202020102', '', '', '']);
  t.true(b.macOk);
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  const c = components(b.plain, 7);
  t.is(c.size, 2048);
  t.deepEqual(c.parts, [
    b64hex(jwk.dp, 128),
    b64hex(jwk.dq, 128),
    b64hex(jwk.p, 128),
    b64hex(jwk.qi, 128),
    b64hex(jwk.q, 128),
    b64hex(jwk.n, 256),
    '010001',
  ]);
  t.is(hex(c.rest.subarray(0, 1)), '80', 'ISO 9797-1 method 2 padding');
  const s = await call(sign, ctx, [0x80, 0x68, 10, 0x33], MSG);
  t.true(verify('sha256', MSG, rsa.publicKey, s.data));
});

// §11.2 P-256 parameters: p, a, b, G, order.
const P256 = {
  p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
  a: 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
  b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  g: '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
  n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
};

test('EC P-256: blob is type 12 with a b p n G d Q at full length; restored key signs for the original', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, { ...p256.record, algorithms: Uint8Array.of(0x73, 0x92) });
  const blob = await roundTrip(t, ctx);
  const b = openBlob(blob);
  t.is(b.type, 0x0c);
  t.deepEqual(b.fields, ['04007f00070202020203', '7392', '', '']);
  const jwk = p256.privateKey.export({ format: 'jwk' });
  const c = components(b.plain, 7);
  t.is(c.size, 256);
  t.deepEqual(c.parts, [P256.a, P256.b, P256.p, P256.n, P256.g, b64hex(jwk.d, 32), `04${b64hex(jwk.x, 32)}${b64hex(jwk.y, 32)}`]);
  const s = await call(sign, ctx, [0x80, 0x68, 10, 0x73], MSG);
  t.is(s.sw, 0x9000);
  t.true(verify('sha256', MSG, p256.publicKey, s.data));
  t.deepEqual([...(ctx.state.keys.get(10)?.algorithms ?? [])], [0x73, 0x92], 'the blob’s allowed algorithms');
  t.is((await call(sign, ctx, [0x80, 0x68, 10, 0x70], new Uint8Array(32))).sw, 0x6a81);
});

test('EC brainpoolP256r1 round trip: restored key signs for the original', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, bp256.record);
  await roundTrip(t, ctx);
  t.is(ctx.state.keys.get(10)?.curve, 'brainpoolP256r1');
  const s = await call(sign, ctx, [0x80, 0x68, 10, 0x74], MSG);
  t.true(verify('sha384', MSG, bp256.publicKey, s.data));
});

test('AES-256 round trip via EF 2F10 (OpenSC form: empty UNWRAP data): same key bytes, same CMAC', async (t) => {
  const ctx = makeContext();
  const key = aesKey(32);
  ctx.state.keys.set(1, key);
  const w = await call(wrapKey, ctx, WRAP(1));
  const b = openBlob(w.data);
  t.is(b.type, 0x0f);
  t.is(b.fields[0], '6086480165030401');
  t.is(hex(b.plain.subarray(0, 34)), `0020${hex(key.material)}`);
  ctx.state.files.set(0x2f10, w.data);
  t.is((await call(unwrapKey, ctx, UNWRAP(11))).sw, 0x9000);
  t.is(hex(ctx.state.keys.get(11)?.material ?? new Uint8Array(0)), hex(key.material));
  const m1 = await call(cipherSymmetric, ctx, [0x80, 0x78, 1, 0x18], MSG);
  const m2 = await call(cipherSymmetric, ctx, [0x80, 0x78, 11, 0x18], MSG);
  t.is(hex(m2.data), hex(m1.data));
});

/** A blob built with node AES and openssl CMAC, as DKEK.js lays it out, under the zero DKEK. */
function testBlob(type: number, oid: string, allowed: string, keyData: Uint8Array): Uint8Array {
  const lv = (h: string) => `${(h.length / 2).toString(16).padStart(4, '0')}${h}`;
  const header = unhex(`${KCV0}${type.toString(16).padStart(2, '0')}${lv(oid)}${lv(allowed)}00000000`);
  const plain = Buffer.concat([randomBytes(8), keyData, unhex('80')]);
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const body = Buffer.concat([header, aes256(KENC0, padded, true)]);
  return new Uint8Array(Buffer.concat([body, unhex(cmac(KMAC0, body))]));
}

const lvHex = (h: string): string => `${(h.length / 2).toString(16).padStart(4, '0')}${h}`;

test('UNWRAP accepts RSA type 5 (d, n, e — DKEK.js form for big keys) and factors n', async (t) => {
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  const data = unhex(`0800${lvHex(b64hex(jwk.d, 256))}${lvHex(b64hex(jwk.n, 256))}${lvHex('010001')}`);
  const ctx = makeContext();
  t.is((await call(unwrapKey, ctx, UNWRAP(12), testBlob(5, '04007f00070202020102', '', data))).sw, 0x9000);
  const s = await call(sign, ctx, [0x80, 0x68, 12, 0x35], MSG);
  t.true(verify('sha512', MSG, rsa.publicKey, s.data));
});

test('UNWRAP accepts pico-style EC components (secp256k1 with a = empty, b minimal) parsed by length', async (t) => {
  const k1 = ecKey('secp256k1', 256);
  const jwk = k1.privateKey.export({ format: 'jwk' });
  const p = 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f';
  const n = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
  const g =
    '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8';
  const data = unhex(`0100${lvHex('')}${lvHex('07')}${lvHex(p)}${lvHex(n)}${lvHex(g)}${lvHex(b64hex(jwk.d, 32))}${lvHex('')}`);
  const ctx = makeContext();
  t.is((await call(unwrapKey, ctx, UNWRAP(13), testBlob(12, '04007f00070202020203', '', data))).sw, 0x9000);
  t.is(ctx.state.keys.get(13)?.curve, 'secp256k1');
  const s = await call(sign, ctx, [0x80, 0x68, 13, 0x73], MSG);
  t.true(verify('sha256', MSG, k1.publicKey, s.data));
});

test('UNWRAP refusals: other DKEK, bad MAC, wrong OID for the type, inconsistent RSA → 6A80; id taken → 6A89', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, rsa.record);
  const w = (await call(wrapKey, ctx, WRAP(1))).data;
  const other = makeContext({ dkek: new Uint8Array(32).fill(7) });
  t.is((await call(unwrapKey, other, UNWRAP(2), w)).sw, 0x6a80);
  const bad = w.slice();
  bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
  t.is((await call(unwrapKey, ctx, UNWRAP(2), bad)).sw, 0x6a80);
  t.is((await call(unwrapKey, ctx, UNWRAP(2), testBlob(15, '04007f00070202020102', '', unhex(`0010${'00'.repeat(16)}`)))).sw, 0x6a80);
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  const wrongE = unhex(`0800${lvHex(b64hex(jwk.d, 256))}${lvHex(b64hex(jwk.n, 256))}${lvHex('03')}`);
  t.is((await call(unwrapKey, ctx, UNWRAP(2), testBlob(5, '04007f00070202020102', '', wrongE))).sw, 0x6a80);
  t.is((await call(unwrapKey, ctx, UNWRAP(1), w)).sw, 0x6a89);
  t.false(ctx.state.keys.has(2));
});

test('WRAP/UNWRAP status words: 6982 PIN, 6A86 P2, 6A82 no key, 6D00 no DKEK / shares outstanding, 6985 not exportable', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, rsa.record);
  ctx.state.keys.set(2, { ...p256.record, algorithms: Uint8Array.of(0x73) });
  t.is((await call(wrapKey, makeContext({ userAuthenticated: false }), WRAP(1))).sw, 0x6982);
  t.is((await call(wrapKey, ctx, [0x80, 0x72, 1, 0x93])).sw, 0x6a86);
  t.is((await call(wrapKey, ctx, WRAP(3))).sw, 0x6a82);
  t.is((await call(wrapKey, ctx, WRAP(2))).sw, 0x6985);
  const none = makeContext({ dkek: undefined });
  none.state.keys.set(1, rsa.record);
  t.is((await call(wrapKey, none, WRAP(1))).sw, 0x6d00);
  t.is((await call(unwrapKey, none, UNWRAP(5), new Uint8Array(64))).sw, 0x6d00);
  const pending = makeContext({ outstanding: 1 });
  pending.state.keys.set(1, rsa.record);
  t.is((await call(wrapKey, pending, WRAP(1))).sw, 0x6d00);
  t.is((await call(unwrapKey, ctx, UNWRAP(5))).sw, 0x6a82, 'no data and no EF 2F10');
  t.is((await call(unwrapKey, makeContext({ userAuthenticated: false }), UNWRAP(5), new Uint8Array(64))).sw, 0x6982);
});

test('the 8 random bytes make two wraps of one key differ; both unwrap', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(1, p256.record);
  const a = (await call(wrapKey, ctx, WRAP(1))).data;
  const b = (await call(wrapKey, ctx, WRAP(1))).data;
  t.not(hex(a), hex(b));
  t.is(hex(a.subarray(0, 27)), hex(b.subarray(0, 27)), 'same 27-byte header');
  t.is((await call(unwrapKey, ctx, UNWRAP(2), a)).sw, 0x9000);
  t.is((await call(unwrapKey, ctx, UNWRAP(3), b)).sw, 0x9000);
  t.is(
    createHash('sha256')
      .update(ctx.state.keys.get(2)?.material ?? new Uint8Array(0))
      .digest('hex'),
    createHash('sha256')
      .update(ctx.state.keys.get(3)?.material ?? new Uint8Array(0))
      .digest('hex'),
  );
});
