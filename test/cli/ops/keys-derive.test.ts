// `schsm keys derive` (DERIVE EC KEY, §3.16) against the simulator. The expected derived key is computed
// HERE, independently of schsm and of the simulator: d comes out of the simulated card's key store as
// SEC 1 bytes, d' = (d + param) mod n, and Q' = d'·G by node:crypto (OpenSSL); a second, separate
// computation adds Q + param·G with the small affine point addition below. Both must equal the key
// `keys derive` reports, the key the card holds, and the key that verifies the derived key's signature.
import test from 'ava';
import { createECDH, createPrivateKey, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { childrenOf, decodeTlv } from '../../../src/apdu/tlv.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import type { SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { curveParameters } from '../../card/formats/key-fixtures.ts';
import { assertNoSecrets, newSim, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN };
const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const bytes = (v: bigint, n: number): Uint8Array => Uint8Array.from(Buffer.from(v.toString(16).padStart(2 * n, '0'), 'hex'));
const modp = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [modp(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return modp(t0, m);
}

/** The test's own affine addition P + Q on y² = x³ + ax + b over GF(p) (P ≠ ±Q; a random k makes that certain). */
function addAffine(curve: string, P: Uint8Array, Q: Uint8Array): Uint8Array {
  const { p: pb, a: ab } = curveParameters(curve);
  const [p, a] = [big(pb), big(ab)];
  const f = (P.length - 1) / 2;
  const [x1, y1, x2, y2] = [P.subarray(1, 1 + f), P.subarray(1 + f), Q.subarray(1, 1 + f), Q.subarray(1 + f)].map(big) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const l = x1 === x2 ? modp((3n * x1 * x1 + a) * inv(2n * y1, p), p) : modp((y2 - y1) * inv(x2 - x1, p), p);
  const x3 = modp(l * l - x1 - x2, p);
  return Uint8Array.from([4, ...bytes(x3, f), ...bytes(modp(l * (x1 - x3) - y1, p), f)]);
}

/** d of a key in the simulated card's store (PKCS#8 → SEC 1 ECPrivateKey { 1, d, … }). */
function storedScalar(sim: SmartCardHsmSimulator, ref: number): bigint {
  const material = sim.state.keys.get(ref)?.material;
  if (material === undefined) throw new Error(`no key ${ref} in the simulator`);
  const sec1 = createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'sec1' });
  return big(childrenOf(decodeTlv(new Uint8Array(sec1)))[1]?.value ?? new Uint8Array(0));
}

/** Uncompressed point of a public key (tail of its SPKI). */
function pointOf(key: KeyObject, f: number): Uint8Array {
  const spki = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - (1 + 2 * f)));
}

const CURVES = ['prime256v1', 'secp384r1', 'secp521r1', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1', 'secp256k1'];

for (const curve of CURVES) {
  test(`keys derive on ${curve}: Q + param·G computed here = the card's key = keys derive's answer; the derived key signs verifiably`, async (t) => {
    const sim = newSim();
    await setupCard(sim, { dkek: true });
    const dir = tempDir();
    t.is((await runOn(sim, ['keys', 'generate', '--type', `ec:${curve}`, '--label', 'root', '--pin-env', 'P'], { env })).code, EXIT.OK);
    const { order, generator } = curveParameters(curve);
    const n = big(order);
    const f = (generator.length - 1) / 2;
    const k = modp(big(randomBytes(order.length)), n - 1n) + 1n; // any 1..n-1 must work
    const d = storedScalar(sim, 1);
    const r = await runOn(
      sim,
      [
        'keys',
        'derive',
        '--ref',
        '1',
        '--to',
        '7',
        '--param',
        Buffer.from(bytes(k, order.length)).toString('hex'),
        '--label',
        'child',
        '--pin-env',
        'P',
        '--json',
      ],
      { env },
    );
    t.is(r.code, EXIT.OK, r.stderr);
    const out = JSON.parse(r.stdout);
    t.like(out, { ref: 7, derivedFrom: 1, kind: 'ec', curve, label: 'child', check: 'verified' });

    const dPrime = modp(d + k, n);
    t.is(storedScalar(sim, 7), dPrime, "the simulator's derived scalar is (d + param) mod n");
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(Buffer.from(bytes(dPrime, order.length)));
    const expected = new Uint8Array(ecdh.getPublicKey());
    const kG = createECDH(curve);
    kG.setPrivateKey(Buffer.from(bytes(k, order.length)));
    const source = createPublicKey(JSON.parse((await runOn(sim, ['keys', 'list', '--json'])).stdout)[0].publicKeyPem);
    t.deepEqual(addAffine(curve, pointOf(source, f), new Uint8Array(kG.getPublicKey())), expected, 'Q + k·G = (d + k)·G');
    const reported = createPublicKey(out.publicKeyPem as string);
    t.deepEqual(pointOf(reported, f), expected, 'keys derive reports (d + param)·G');

    const listed = JSON.parse((await runOn(sim, ['keys', 'list', '--json'])).stdout).find((x: { ref: number }) => x.ref === 7);
    t.like(listed, {
      ref: 7,
      kind: 'ec',
      curve,
      label: 'child',
      certificate: 'cv-request',
      publicKeyFingerprint: out.publicKeyFingerprint,
    });

    writeFileSync(path.join(dir, 'msg'), `derived on ${curve}`);
    const s = await runOn(
      sim,
      ['keys', 'sign', '--ref', '7', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'msg.sig', '--pin-env', 'P'],
      { env, cwd: dir },
    );
    t.is(s.code, EXIT.OK, s.stderr);
    t.true(
      verify('sha256', readFileSync(path.join(dir, 'msg')), { key: reported, dsaEncoding: 'der' }, readFileSync(path.join(dir, 'msg.sig'))),
    );
    assertNoSecrets(t, r, [USER_PIN]);
  });
}

test("keys derive with CardContact's own test vector: a P-256 key allowed A0 73 98, param = brainpoolP256r1's p (sc-hsm-embedded testKeyDerivation)", async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  t.is(
    (await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--algorithms', 'A0,73,98', '--pin-env', 'P'], { env })).code,
    EXIT.OK,
  );
  const param = 'A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5376';
  const r = await runOn(sim, ['keys', 'derive', '--ref', '1', '--to', '2', '--param', param, '--pin-env', 'P', '--json'], { env });
  t.is(r.code, EXIT.OK, r.stderr);
  t.like(JSON.parse(r.stdout), { ref: 2, check: 'verified' }, 'proven with algorithm 73, which the inherited list allows');
  const n = big(curveParameters('prime256v1').order);
  t.is(storedScalar(sim, 2), modp(storedScalar(sim, 1) + big(Buffer.from(param, 'hex')), n));
  t.deepEqual([...(sim.state.keys.get(2)?.algorithms ?? [])], [0xa0, 0x73, 0x98], 'the derived key keeps the source list');
  const nMinus1 = Buffer.from((n - 1n).toString(16), 'hex').toString('hex');
  const wrap = await runOn(sim, ['keys', 'derive', '--ref', '1', '--to', '3', '--param', nMinus1, '--pin-env', 'P', '--json'], { env });
  t.is(wrap.code, EXIT.OK, wrap.stderr);
  t.is(storedScalar(sim, 3), modp(storedScalar(sim, 1) - 1n, n), 'param n-1: d + n - 1 wraps around to d - 1 (reduction modulo n, not p)');
  t.like(JSON.parse(wrap.stdout), { check: 'verified' });
});

test('keys derive refuses: RSA source, parameter 0 or ≥ n (exit 2), taken target (exit 4, also with --force; --replace replaces), source list without 98 (exit 1)', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env })).code, EXIT.OK);
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--algorithms', '73', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const derive = (...more: string[]) => runOn(sim, ['keys', 'derive', '--pin-env', 'P', ...more], { env });
  const n = 'FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551';
  for (const param of ['00', n, `01${n}`]) {
    const r = await derive('--ref', '1', '--to', '5', '--param', param);
    t.is(r.code, EXIT.USAGE, param);
    t.regex(r.stderr, /1\.\.n-1 of prime256v1/);
  }
  t.is((await derive('--ref', '1', '--to', '1', '--param', '01')).code, EXIT.USAGE);
  t.is((await derive('--ref', '1', '--to', '5', '--param', 'xyz')).code, EXIT.USAGE);
  const taken = await derive('--ref', '1', '--to', '2', '--param', '01');
  t.is(taken.code, EXIT.REFUSED);
  t.regex(taken.stderr, /key reference 2 is in use \(key CC02, PRKD C402, certificate CE02\)/);
  t.regex(taken.stderr, /choose a free --to, or --replace to delete the key there/);
  const before = storedScalar(sim, 2);
  const forced = await derive('--ref', '1', '--to', '2', '--param', '01', '--force');
  t.is(forced.code, EXIT.REFUSED, '--force only overwrites local files (one flag, one meaning)');
  t.regex(forced.stderr, /--force only overwrites local files; it never replaces a key on the card/);
  t.is(storedScalar(sim, 2), before, 'key 2 untouched');
  const replaced = await derive('--ref', '1', '--to', '2', '--param', '01', '--replace', '--json');
  t.is(replaced.code, EXIT.OK, replaced.stderr);
  t.is(storedScalar(sim, 2), modp(storedScalar(sim, 1) + 1n, big(Buffer.from(n, 'hex'))), '--replace replaced key 2 by key 1 + 1');
  const forbidden = await runOn(
    sim,
    ['keys', 'generate', '--type', 'ec:prime256v1', '--ref', '3', '--algorithms', '73', '--pin-env', 'P'],
    { env },
  );
  t.is(forbidden.code, EXIT.OK);
  const no98 = await derive('--ref', '3', '--to', '6', '--param', '01');
  t.is(no98.code, EXIT.FAILED);
  t.regex(no98.stderr, /algorithm 98 is not allowed for key 3/);
  t.false(sim.state.keys.has(6));
});

test('keys derive from an RSA key or a key without public key is a usage error before any PIN is tried', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'rsa:1024', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const apdus: Uint8Array[] = [];
  const rsa = await runOn(sim, ['keys', 'derive', '--ref', '1', '--to', '2', '--param', '01', '--pin-env', 'P'], { env, apdus });
  t.is(rsa.code, EXIT.USAGE);
  t.regex(rsa.stderr, /key 1 is not an EC key/);
  const none = await runOn(sim, ['keys', 'derive', '--ref', '9', '--to', '2', '--param', '01', '--pin-env', 'P'], { env, apdus });
  t.is(none.code, EXIT.USAGE);
  t.regex(none.stderr, /key 9 has no public key on the card \(no EF CE09\)/);
  t.false(
    apdus.some((a) => a[1] === 0x20 && (a[4] ?? 0) > 0),
    'no VERIFY with a PIN was sent',
  );
});
