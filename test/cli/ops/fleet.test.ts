/**
 * `schsm fleet status` on simulated devices (in process): a pool made by clone is consistent (exit 0);
 * a missing key or another DKEK makes it inconsistent (exit 1) naming the device that differs. Expected
 * values come from outside the code under test: the DKEK KCV of the peer share (sc-hsm-tool's file,
 * fixtures/ops), public-key fingerprints hashed here from `keys export-pub`'s PEM, and the AES check
 * value computed here with node:crypto from the simulator's key material.
 */
import test from 'ava';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, PEER_SHARE, runOn, USER_PIN } from './helpers.ts';
import { aesKcv, consistentPool, env, fingerprintOf, pool } from './fleet-pool.ts';

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

test('fleet status --pin-env: a device on its last PIN try is not logged in to (the guard), the others are; stderr names each', async (t) => {
  const sims = await consistentPool();
  const pin = sims.C.state.userPin;
  if (pin === undefined) return t.fail('C has no user PIN');
  pin.retries = 1;
  const r = await pool(sims)(['fleet', 'status', ...devicesOf, '--pin-env', 'P', '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  const doc = JSON.parse(r.stdout);
  const checks = doc.devices.map(
    (d: { keys: { label: string; aesCheckValue: { value: string | null; reason?: string } }[] }) =>
      d.keys.find((k) => k.label === 'aes:128')?.aesCheckValue,
  );
  t.regex(checks[0].value, /^[0-9A-F]{6}$/);
  t.is(checks[1].value, checks[0].value);
  t.is(checks[2].value, null);
  t.regex(checks[2].reason, /^not computed: refusing .*--allow-last-try/);
  t.is(pin.retries, 1, 'no try spent on C');
  t.is((r.stderr.match(/^logging in to: SmartCard-HSM UTSM\d+ in simulator$/gm) ?? []).length, 3);
  t.true(doc.notVerified.some((n: string) => /AES check value is not known on every device/.test(n)));
  assertNoSecrets(t, r, [USER_PIN]);
});
