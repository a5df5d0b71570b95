import test from 'ava';
import { createECDH, createPrivateKey } from 'node:crypto';
import { childrenOf, decodeTlv } from '../../src/apdu/tlv.ts';
import { deriveEcKey } from '../../src/sim/handlers/derive-ec-key.ts';
import { call, ecKey, hex, makeContext, rsaKey, unhex } from './crypto-fixtures.ts';

// DERIVE EC KEY: 80 76 <src> <dst> Lc 98 ‖ param, no Le (§3.16, sc-hsm-embedded sc_hsm_C_DeriveKey).
// The expected key is computed with bigint arithmetic and node:crypto here, never with the simulator's code.

const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const DERIVE = (src: number, dst: number) => [0x80, 0x76, src, dst] as const;

function scalarOf(material: Uint8Array | undefined): bigint {
  if (material === undefined) throw new Error('no key');
  const sec1 = createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'sec1' });
  return BigInt(`0x${hex(childrenOf(decodeTlv(new Uint8Array(sec1)))[1]?.value ?? new Uint8Array(1))}`);
}

function setup(extra = {}) {
  const ctx = makeContext();
  const key = ecKey('prime256v1', 256, extra);
  ctx.state.keys.set(1, key.record);
  ctx.state.keys.set(2, rsaKey(1024).record);
  return { ctx, d: scalarOf(key.record.material) };
}

test('98 ‖ param: key P2 = (d + param) mod n on the source curve, no answer data, no EF written', async (t) => {
  const { ctx, d } = setup();
  const param = unhex('A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5376');
  const r = await call(deriveEcKey, ctx, DERIVE(1, 9), unhex(`98${hex(param)}`));
  t.deepEqual(r, { data: new Uint8Array(0), sw: 0x9000 });
  const derived = ctx.state.keys.get(9);
  t.like(derived, { kind: 'ec', curve: 'prime256v1', bits: 256 });
  const expected = (d + BigInt(`0x${hex(param)}`)) % P256_N;
  t.is(scalarOf(derived?.material), expected);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(expected.toString(16).padStart(64, '0'), 'hex'));
  const pub = createPrivateKey({ key: Buffer.from(derived?.material ?? []), format: 'der', type: 'pkcs8' });
  t.deepEqual(
    pub.export({ format: 'jwk' }).x,
    Buffer.from(ecdh.getPublicKey().subarray(1, 33)).toString('base64url'),
    'the stored public point is (d + param)·G',
  );
  t.is(ctx.state.files.size, 0);
});

test('param n - 1 wraps around modulo the order n (d + n - 1 ≡ d - 1), a one-byte param works too', async (t) => {
  const { ctx, d } = setup();
  await call(deriveEcKey, ctx, DERIVE(1, 3), unhex(`98${(P256_N - 1n).toString(16)}`));
  t.is(scalarOf(ctx.state.keys.get(3)?.material), (d - 1n + P256_N) % P256_N);
  await call(deriveEcKey, ctx, DERIVE(1, 4), unhex('9805'));
  t.is(scalarOf(ctx.state.keys.get(4)?.material), (d + 5n) % P256_N);
});

test('the derived key keeps the allowed-algorithm list and domain, not the use counter; one source use is counted', async (t) => {
  const { ctx } = setup({ algorithms: unhex('7398'), useCounter: 2 });
  t.is((await call(deriveEcKey, ctx, DERIVE(1, 5), unhex('9801'))).sw, 0x9000);
  t.deepEqual([...(ctx.state.keys.get(5)?.algorithms ?? [])], [0x73, 0x98]);
  t.is(ctx.state.keys.get(5)?.useCounter, undefined);
  t.is(ctx.state.keys.get(1)?.useCounter, 1);
});

test('status words: 6982 no PIN, 6A86 P2 00, 6A82 no key, 6A81 RSA or no 98 in the list, 6985 shares outstanding, 6700/6A80 data, 6984 counter', async (t) => {
  const sw = async (ctx: ReturnType<typeof makeContext>, p1: number, p2: number, data: string) =>
    (await call(deriveEcKey, ctx, DERIVE(p1, p2), unhex(data))).sw;
  const { ctx } = setup();
  t.is(await sw(makeContext({ userAuthenticated: false }), 1, 2, '9801'), 0x6982);
  t.is(await sw(ctx, 1, 0, '9801'), 0x6a86);
  t.is(await sw(ctx, 7, 8, '9801'), 0x6a82);
  t.is(await sw(ctx, 2, 8, '9801'), 0x6a81);
  t.is(await sw(setup({ algorithms: unhex('73') }).ctx, 1, 8, '9801'), 0x6a81);
  const pending = makeContext({ outstanding: 1 });
  pending.state.keys.set(1, ecKey('prime256v1', 256).record);
  t.is(await sw(pending, 1, 8, '9801'), 0x6985);
  t.is(await sw(ctx, 1, 8, ''), 0x6700);
  t.is(await sw(ctx, 1, 8, '9901'), 0x6a80);
  t.is(await sw(ctx, 1, 8, '98'), 0x6a80);
  t.is(await sw(ctx, 1, 8, `98${'01'.repeat(33)}`), 0x6a80, 'longer than n');
  t.is(await sw(ctx, 1, 8, `98${P256_N.toString(16)}`), 0x9000, 'param n: d + n ≡ d is still a key');
  t.is(await sw(setup({ useCounter: 0 }).ctx, 1, 8, '9801'), 0x6984);
  t.false(ctx.state.keys.has(0));
});
