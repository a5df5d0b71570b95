/**
 * `schsm fleet status` on simulated devices (in process): a pool made by clone is consistent (exit 0);
 * a missing key or another DKEK makes it inconsistent (exit 1) naming the device that differs. Expected
 * values come from outside the code under test: the DKEK KCV of the peer share (sc-hsm-tool's file,
 * fixtures/ops), public-key fingerprints hashed here from `keys export-pub`'s PEM, and the AES check
 * value computed here with node:crypto from the simulator's key material.
 */
import test from 'ava';
import { createCipheriv, createHash, createPublicKey } from 'node:crypto';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, runWith, setupCard, SO_PIN, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN, SO: SO_PIN };

/** Devices behind readers "A", "B", "C". */
function pool(sims: Readonly<Record<string, SmartCardHsmSimulator>>) {
  return (argv: string[]) =>
    runWith(argv, {
      env,
      open: async (src) => {
        const sim = sims[src.reader ?? ''];
        if (sim === undefined) throw new TransportError(`no card in reader ${String(src.reader)}`, 'ERR_SCHSM_NO_CARD');
        return createSimulatorTransport({ simulator: sim });
      },
    });
}

async function fingerprintOf(sim: SmartCardHsmSimulator, ref: number): Promise<string> {
  const pem = (await runOn(sim, ['keys', 'export-pub', '--ref', String(ref)])).stdout;
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** E_K(0^128), first 3 bytes: the customary AES key check value. */
function aesKcv(key: Uint8Array): string {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()])
    .subarray(0, 3)
    .toString('hex')
    .toUpperCase();
}

/** Three devices with the peer DKEK; A holds an EC and an AES key, cloned onto B and C. */
type Pool = Record<'A' | 'B' | 'C', SmartCardHsmSimulator>;

async function consistentPool(): Promise<Pool> {
  const sims = { A: newSim(), B: newSim(), C: newSim() };
  for (const s of Object.values(sims)) await setupCard(s, { dkek: true });
  for (const type of ['ec:prime256v1', 'aes:128'])
    if ((await runOn(sims.A, ['keys', 'generate', '--type', type, '--label', type, '--pin-env', 'P'], { env })).code !== EXIT.OK)
      throw new Error(`keys generate ${type} failed`);
  const run = pool(sims);
  for (const to of ['B', 'C'])
    if ((await run(['clone', '--from', 'A', '--to', to, '--pin-env', 'P', '--to-pin-env', 'P'])).code !== EXIT.OK)
      throw new Error(`clone to ${to} failed`);
  return sims;
}

const devicesOf = ['--reader', 'A', '--reader', 'B', '--reader', 'C'];

test('fleet status: a cloned pool is consistent (exit 0), with DKEK KCV, fingerprints and no PIN try', async (t) => {
  const sims = await consistentPool();
  const r = await pool(sims)(['fleet', 'status', ...devicesOf, '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.true(doc.consistent);
  t.is(doc.devices.length, 3);
  const fp = await fingerprintOf(sims.A, 1);
  for (const d of doc.devices) {
    t.deepEqual(d.dkek, [{ domain: 0, total: 1, outstanding: 0, kcv: PEER_SHARE.kcv, kcvHidden: false }]);
    t.like(d.userPin, { state: 'not-verified', retriesLeft: 3 });
    t.is(d.differs, false);
    const ec = d.keys.find((k: { label: string }) => k.label === 'ec:prime256v1');
    t.is(ec.publicKeyFingerprint, fp);
    t.is(ec.type, 'EC prime256v1');
    const aes = d.keys.find((k: { label: string }) => k.label === 'aes:128');
    t.like(aes.aesCheckValue, { value: null });
  }
  t.deepEqual(doc.differences, []);
  t.true(doc.notVerified.some((n: string) => /AES check value is not known/.test(n)));
  for (const s of Object.values(sims)) t.is(s.state.userPin?.retries, 3, 'no PIN try spent');

  const text = await pool(sims)(['fleet', 'status', ...devicesOf]);
  t.is(text.code, EXIT.OK);
  t.regex(text.stdout, /^Consistent: 3 device\(s\), same DKEK and the same 2 key\(s\) on each$/m);
  t.regex(text.stdout, new RegExp(`DKEK KCV ${PEER_SHARE.kcv}`));
});

test('fleet status --pin-env: the cards compute the AES check value, equal to E_K(0) made here', async (t) => {
  const sims = await consistentPool();
  const aesRef = [...sims.A.state.keys.entries()].find(([, k]) => k.kind === 'aes')?.[0];
  const material = aesRef === undefined ? undefined : sims.A.state.keys.get(aesRef)?.material;
  if (material === undefined) return t.fail('no AES key on A');
  const r = await pool(sims)(['fleet', 'status', ...devicesOf, '--pin-env', 'P', '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const d of doc.devices) {
    const aes = d.keys.find((k: { label: string }) => k.label === 'aes:128');
    t.deepEqual(aes.aesCheckValue, { value: aesKcv(material), method: 'aes-cbc-zero-block' });
  }
  t.deepEqual(doc.notVerified, []);
  assertNoSecrets(t, r, [USER_PIN]);
});

test('fleet status: a missing key and another DKEK make the pool inconsistent (exit 1), naming the device', async (t) => {
  const sims = await consistentPool();
  const run = pool(sims);
  const del = await runOn(sims.C, ['keys', 'delete', '--ref', '1', '--yes', '--pin-env', 'P'], { env });
  t.is(del.code, EXIT.OK, del.stderr);
  const r = await run(['fleet', 'status', ...devicesOf, '--json']);
  t.is(r.code, EXIT.FAILED);
  const doc = JSON.parse(r.stdout);
  t.false(doc.consistent);
  t.deepEqual(
    doc.devices.map((d: { differs: boolean }) => d.differs),
    [false, false, true],
  );
  const missing = doc.differences.find((d: { aspect: string }) => d.aspect === 'keys');
  t.is(missing.values[2], 'missing');
  t.deepEqual(missing.differing, [3]);
  t.regex(r.stderr, /NOT consistent: device 3 differs from the others/);

  // B gets a DKEK of its own (a random one made by the card; re-initialising erased its keys). The
  // majority decides who differs: B (DKEK, no AES key) and now A, the only one left with the EC key.
  t.is((await runOn(sims.B, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '0'], { env })).code, EXIT.OK);
  const text = await run(['fleet', 'status', ...devicesOf]);
  t.is(text.code, EXIT.FAILED);
  t.regex(text.stdout, /^Differs: DKEK \(key domain 0\)$/m);
  t.regex(text.stdout, /^ {2}\* device 2 UTSM\d+ \(simulator\): [0-9A-F]{16}$/m);
  t.regex(text.stdout, /^NOT consistent: device 1, device 2 differ from the others$/m);
});

test('fleet status: a reader that cannot be read is reported and fails the check (exit 1)', async (t) => {
  const sims = await consistentPool();
  const r = await pool(sims)(['fleet', 'status', '--reader', 'A', '--reader', 'D']);
  t.is(r.code, EXIT.FAILED);
  t.regex(r.stdout, /^D: could not be read/m);
  const usage = await pool(sims)(['fleet', 'status', '--reader', 'A', '--reader', 'A']);
  t.is(usage.code, EXIT.USAGE);
});
