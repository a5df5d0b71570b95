import test from 'ava';
import { constants, createHash, verify } from 'node:crypto';
import { sign } from '../../src/sim/handlers/sign.ts';
import { call, ecKey, hex, makeContext, rsaKey, unhex } from './crypto-fixtures.ts';

// SIGN: 80 68 KeyId Algo | Lc(3) data | Le(2) 0000 (§3.13). Every signature is checked with
// node:crypto's verifier against the key's public half (never with the simulator's own code).

const rsa = rsaKey(2048);
const p256 = ecKey('prime256v1', 256);
const bp256 = ecKey('brainpoolP256r1', 256);
const p521 = ecKey('secp521r1', 521);
const MSG = new TextEncoder().encode('The quick brown fox jumps over the lazy dog - schsm');
const H = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 } as const;
type Hash = keyof typeof H;
const digest = (h: Hash, m = MSG): Uint8Array => new Uint8Array(createHash(h).update(m).digest());

function ctxWithKeys() {
  const ctx = makeContext();
  ctx.state.keys.set(1, rsa.record);
  ctx.state.keys.set(2, p256.record);
  ctx.state.keys.set(3, bp256.record);
  ctx.state.keys.set(4, p521.record);
  return ctx;
}

const SIGN = (key: number, algo: number) => [0x80, 0x68, key, algo] as const;

test('20 RSA raw: a full 256-byte PKCS#1 v1.5 block in, a 256-byte signature out', async (t) => {
  // 00 01 FF…FF 00 | DigestInfo(SHA-256) = 3031300d060960864801650304020105000420 ‖ hash
  const t256 = `3031300d060960864801650304020105000420${hex(digest('sha256'))}`;
  const block = unhex(`0001${'ff'.repeat(256 - 3 - t256.length / 2)}00${t256}`);
  const r = await call(sign, ctxWithKeys(), SIGN(1, 0x20), block);
  t.is(r.sw, 0x9000);
  t.is(r.data.length, 256);
  t.true(verify('sha256', MSG, rsa.publicKey, r.data));
});

test('30 RSA PKCS#1 v1.5 with a DigestInfo input', async (t) => {
  const di = unhex(`3051300d060960864801650304020305000440${hex(digest('sha512'))}`);
  const r = await call(sign, ctxWithKeys(), SIGN(1, 0x30), di);
  t.is(r.sw, 0x9000);
  t.true(verify('sha512', MSG, rsa.publicKey, r.data));
});

const PKCS1: ReadonlyArray<readonly [number, Hash]> = [
  [0x31, 'sha1'],
  [0x32, 'sha224'],
  [0x33, 'sha256'],
  [0x34, 'sha384'],
  [0x35, 'sha512'],
];
for (const [algo, hash] of PKCS1) {
  test(`${algo.toString(16)} RSA PKCS#1 v1.5 hashing with ${hash} on card`, async (t) => {
    const r = await call(sign, ctxWithKeys(), SIGN(1, algo), MSG);
    t.is(r.sw, 0x9000);
    t.true(verify(hash, MSG, rsa.publicKey, r.data));
  });
}

const pss = (hash: Hash) => ({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: H[hash] });

for (const hash of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
  test(`40 RSA-PSS with a ${hash} hash input (hash known by its length ${H[hash]}), salt = hash length`, async (t) => {
    const r = await call(sign, ctxWithKeys(), SIGN(1, 0x40), digest(hash));
    t.is(r.sw, 0x9000);
    t.is(r.data.length, 256);
    t.true(verify(hash, MSG, pss(hash), r.data));
  });
}

const PSS: ReadonlyArray<readonly [number, Hash]> = [
  [0x41, 'sha1'],
  [0x42, 'sha224'],
  [0x43, 'sha256'],
  [0x44, 'sha384'],
  [0x45, 'sha512'],
];
for (const [algo, hash] of PSS) {
  test(`${algo.toString(16)} RSA-PSS hashing with ${hash} on card, MGF1-${hash}`, async (t) => {
    const r = await call(sign, ctxWithKeys(), SIGN(1, algo), MSG);
    t.is(r.sw, 0x9000);
    t.true(verify(hash, MSG, pss(hash), r.data));
    t.false(verify(hash, MSG, { ...pss(hash), saltLength: 0 }, r.data), 'salt is not empty');
  });
}

/** DER SEQUENCE { INTEGER r, INTEGER s }, minimal integers. */
function assertDerEcdsa(
  t: { is: (a: unknown, b: unknown, m?: string) => void; true: (v: boolean, m?: string) => void },
  sig: Uint8Array,
): void {
  t.is(sig[0], 0x30, 'SEQUENCE');
  const long = sig[1] === 0x81;
  const bodyAt = long ? 3 : 2;
  t.is(long ? sig[2] : sig[1], sig.length - bodyAt, 'SEQUENCE length covers the rest');
  let i = bodyAt;
  for (const name of ['r', 's']) {
    t.is(sig[i], 0x02, `${name} is an INTEGER`);
    const len = sig[i + 1] ?? 0;
    const v = sig.subarray(i + 2, i + 2 + len);
    t.true(!(v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0), `${name} is minimally encoded`);
    i += 2 + len;
  }
  t.is(i, sig.length);
}

test('70 ECDSA over a SHA-256 hash input on P-256 answers DER and verifies as ECDSA-SHA256 of the message', async (t) => {
  const r = await call(sign, ctxWithKeys(), SIGN(2, 0x70), digest('sha256'));
  t.is(r.sw, 0x9000);
  assertDerEcdsa(t, r.data);
  t.true(verify('sha256', MSG, p256.publicKey, r.data));
});

test('70 ECDSA with a SHA-512 hash on P-256 uses the leftmost 256 bits (SEC 1 truncation)', async (t) => {
  const r = await call(sign, ctxWithKeys(), SIGN(2, 0x70), digest('sha512'));
  t.is(r.sw, 0x9000);
  t.true(verify('sha512', MSG, p256.publicKey, r.data));
});

const ECDSA: ReadonlyArray<readonly [number, Hash]> = [
  [0x71, 'sha1'],
  [0x72, 'sha224'],
  [0x73, 'sha256'],
  [0x74, 'sha384'],
  [0x75, 'sha512'],
];
for (const [algo, hash] of ECDSA) {
  for (const [id, key, name] of [
    [2, p256, 'P-256'],
    [3, bp256, 'brainpoolP256r1'],
    [4, p521, 'P-521'],
  ] as const) {
    test(`${algo.toString(16)} ECDSA-${hash} on ${name}`, async (t) => {
      const r = await call(sign, ctxWithKeys(), SIGN(id, algo), MSG);
      t.is(r.sw, 0x9000);
      assertDerEcdsa(t, r.data);
      t.true(verify(hash, MSG, key.publicKey, r.data));
    });
  }
}

test('status words: 6982 without PIN, 6A82 no key, 6A86 unknown id, 6A81 id of the other key type', async (t) => {
  const ctx = ctxWithKeys();
  t.is((await call(sign, makeContext({ userAuthenticated: false }), SIGN(1, 0x33), MSG)).sw, 0x6982);
  t.is((await call(sign, ctx, SIGN(9, 0x33), MSG)).sw, 0x6a82);
  t.is((await call(sign, ctx, SIGN(1, 0x36), MSG)).sw, 0x6a86);
  t.is((await call(sign, ctx, SIGN(1, 0x73), MSG)).sw, 0x6a81);
  t.is((await call(sign, ctx, SIGN(2, 0x33), MSG)).sw, 0x6a81);
});

test('input lengths: raw RSA not modulus-sized → 6700, raw block ≥ n → 6A80, PSS hash of 33 bytes → 6700, empty ECDSA hash → 6700', async (t) => {
  const ctx = ctxWithKeys();
  t.is((await call(sign, ctx, SIGN(1, 0x20), new Uint8Array(255).fill(1))).sw, 0x6700);
  t.is((await call(sign, ctx, SIGN(1, 0x20), new Uint8Array(256).fill(0xff))).sw, 0x6a80);
  t.is((await call(sign, ctx, SIGN(1, 0x40), new Uint8Array(33))).sw, 0x6700);
  t.is((await call(sign, ctx, SIGN(1, 0x30), new Uint8Array(246))).sw, 0x6a80);
  t.is((await call(sign, ctx, SIGN(2, 0x70), new Uint8Array(0))).sw, 0x6700);
});

test('allowed-algorithm list (tag 91): other ids answer 6A81 (CardContact, §13)', async (t) => {
  const ctx = makeContext();
  ctx.state.keys.set(5, { ...p256.record, algorithms: Uint8Array.of(0x73) });
  t.is((await call(sign, ctx, SIGN(5, 0x73), MSG)).sw, 0x9000);
  t.is((await call(sign, ctx, SIGN(5, 0x70), digest('sha256'))).sw, 0x6a81);
  t.is((await call(sign, ctx, SIGN(5, 0x75), MSG)).sw, 0x6a81);
});

test('key use counter (tag 90): two uses, then 6984; refused uses do not count', async (t) => {
  const ctx = makeContext();
  const record = { ...rsa.record, useCounter: 2 };
  ctx.state.keys.set(6, record);
  t.is((await call(sign, ctx, SIGN(6, 0x20), new Uint8Array(255))).sw, 0x6700);
  t.is(record.useCounter, 2);
  t.is((await call(sign, ctx, SIGN(6, 0x33), MSG)).sw, 0x9000);
  t.is((await call(sign, ctx, SIGN(6, 0x33), MSG)).sw, 0x9000);
  t.is(record.useCounter, 0);
  t.is((await call(sign, ctx, SIGN(6, 0x33), MSG)).sw, 0x6984);
});

test('40 RSA-PSS also takes a DigestInfo (OpenSC 0.23 sends SHA256-RSA-PKCS-PSS that way)', async (t) => {
  const di = unhex(`3031300d060960864801650304020105000420${hex(digest('sha256'))}`);
  const r = await call(sign, ctxWithKeys(), SIGN(1, 0x40), di);
  t.is(r.sw, 0x9000);
  t.true(verify('sha256', MSG, pss('sha256'), r.data));
  const wrongOid = unhex(`3031300d060960864801650304020205000420${hex(digest('sha256'))}`);
  t.is((await call(sign, ctxWithKeys(), SIGN(1, 0x40), wrongOid)).sw, 0x6700, 'SHA-384 OID with a 32-byte value');
});
