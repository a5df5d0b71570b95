/**
 * Key domains through the CLI against the in-process simulator (§3.10): init --key-domains, domain
 * create/list/delete/clear, dkek import-share/status --domain, keys generate/unwrap --domain. The KCV
 * 6C609824B9CA28EB is the peer share's (fixtures/ops/README.md); one share derivation (~2.6 s).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { fromHex } from '../../../src/apdu/hex.ts';
import { createDkekKeyDomain } from '../../../src/card/commands/create-dkek-key-domain.ts';
import { importDkekShare } from '../../../src/card/commands/import-dkek-share.ts';
import { initializeDevice } from '../../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../../src/card/commands/verify-pin.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../../src/sim/index.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, runWith, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const ENV = { SO: SO_PIN, P: USER_PIN, PW: PEER_SHARE.password };
const PIN = ['--pin-env', 'P'];

async function initWithDomains(extra: string[] = []) {
  const sim = newSim();
  const r = await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--key-domains', '3', ...extra], { env: ENV });
  if (r.code !== EXIT.OK) throw new Error(r.stderr);
  return { sim, init: r };
}

test('init --key-domains 3: INITIALIZE tag 97 03; domain list shows three free slots (text and --json)', async (t) => {
  const { sim, init } = await initWithDomains();
  t.regex(init.stdout, /next: create key domains 0\.\.2 with `schsm domain create --domain N --shares S`/);
  t.is(sim.state.keyDomains, 3);
  const list = await runOn(sim, ['domain', 'list']);
  t.is(list.code, EXIT.OK, list.stderr);
  t.is(list.stdout, 'domain 0  free\ndomain 1  free\ndomain 2  free\n');
  const json = await runOn(sim, ['domain', 'list', '--json']);
  t.deepEqual(
    JSON.parse(json.stdout).domains.map((d: { domain: number; state: string }) => [d.domain, d.state]),
    [
      [0, 'free'],
      [1, 'free'],
      [2, 'free'],
    ],
  );
  const initJson = await runOn(newSim(), ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--key-domains', '2', '--json'], {
    env: ENV,
  });
  t.is(JSON.parse(initJson.stdout).keyDomains, 2);
  t.is(
    (await runOn(newSim(), ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--key-domains', '0'], { env: ENV })).code,
    EXIT.USAGE,
  );
});

test('domain create → import-share --domain → dkek status --domain → keys generate --domain: the key wraps under domain 1, unwraps into it', async (t) => {
  const { sim } = await initWithDomains(['--dkek-shares', '1']);
  const c = await runOn(sim, ['domain', 'create', '--domain', '1', '--shares', '1', ...PIN], { env: ENV });
  t.is(c.code, EXIT.OK, c.stderr);
  t.regex(c.stdout, /^created key domain 1\nDKEK shares {10}: 1\nDKEK import pending, 1 share\(s\) still missing\n/);
  const i = await runOn(sim, ['dkek', 'import-share', '--domain', '1', PEER_SHARE.file, '--password-env', 'PW', ...PIN], { env: ENV });
  t.is(i.code, EXIT.OK, i.stderr);
  t.regex(i.stdout, new RegExp(`into key domain 1\\nDKEK shares {10}: 1\\nDKEK key check value : ${PEER_SHARE.kcv}`));
  const st = await runOn(sim, ['dkek', 'status', '--domain', '1', '--json']);
  t.like(JSON.parse(st.stdout), { domain: 1, total: 1, outstanding: 0, kcv: PEER_SHARE.kcv });
  const st0 = await runOn(sim, ['dkek', 'status', '--domain', '0']);
  t.regex(st0.stdout, /Key domain +: 0\nDKEK shares +: 1\nDKEK import pending, 1 share\(s\) still missing/);
  const list = await runOn(sim, ['domain', 'list']);
  t.is(
    list.stdout,
    `domain 0  DKEK  1 share(s)  1 share(s) missing\ndomain 1  DKEK  1 share(s)  complete  KCV ${PEER_SHARE.kcv}\ndomain 2  free\n`,
  );

  const g = await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--ref', '3', '--domain', '1', ...PIN, '--json'], {
    env: ENV,
  });
  t.is(g.code, EXIT.OK, g.stderr);
  t.is(JSON.parse(g.stdout).domain, 1);
  t.is(sim.state.keys.get(3)?.domain, 1);
  const dir = tempDir();
  const w = await runOn(sim, ['keys', 'wrap', '--ref', '3', 'k3.wrapped', ...PIN], { env: ENV, cwd: dir });
  t.is(w.code, EXIT.OK, w.stderr);
  const file = readFileSync(path.join(dir, 'k3.wrapped'));
  t.is(
    file.subarray(8, 16).toString('hex').toUpperCase(),
    PEER_SHARE.kcv,
    'the blob (after 30 82 LL LL 04 82 LL LL) starts with domain 1 KCV',
  );

  const wrong = await runOn(sim, ['keys', 'unwrap', 'k3.wrapped', '--ref', '4', '--domain', '2', ...PIN], { env: ENV, cwd: dir });
  t.is(wrong.code, EXIT.REFUSED);
  t.regex(wrong.stderr, /key domain 2 is not in use/);
  const zero = await runOn(sim, ['keys', 'unwrap', 'k3.wrapped', '--ref', '4', '--domain', '0', ...PIN], { env: ENV, cwd: dir });
  t.is(zero.code, EXIT.REFUSED);
  t.regex(zero.stderr, /DKEK is incomplete \(1 share\(s\) missing\)/);
  const u = await runOn(sim, ['keys', 'unwrap', 'k3.wrapped', '--ref', '4', ...PIN, '--json'], { env: ENV, cwd: dir });
  t.is(u.code, EXIT.OK, u.stderr);
  t.like(JSON.parse(u.stdout), { ref: 4, domain: 1, kcv: PEER_SHARE.kcv, keyCheck: 'verified' });
  t.is(sim.state.keys.get(4)?.domain, 1);
  for (const r of [c, i, g, w, u]) assertNoSecrets(t, r, [USER_PIN, PEER_SHARE.password, PEER_SHARE.share]);
});

test('domain delete/clear: refused without --yes (exit 4, nothing sent); delete refused by the card while a key is in the domain', async (t) => {
  const { sim } = await initWithDomains();
  t.is((await runOn(sim, ['domain', 'create', '--domain', '2', '--shares', '2', ...PIN], { env: ENV })).code, EXIT.OK);
  const apdus: Uint8Array[] = [];
  const noYes = await runOn(sim, ['domain', 'delete', '--domain', '2', ...PIN], { env: ENV, apdus });
  t.is(noYes.code, EXIT.REFUSED);
  t.regex(noYes.stderr, /deleting key domain 2 destroys its KEK/);
  t.is(apdus.length, 0);
  t.is((await runOn(sim, ['domain', 'clear', '--domain', '2', ...PIN], { env: ENV })).code, EXIT.REFUSED);
  const cleared = await runOn(sim, ['domain', 'clear', '--domain', '2', '--yes', ...PIN, '--json'], { env: ENV });
  t.is(cleared.code, EXIT.OK, cleared.stderr);
  t.like(JSON.parse(cleared.stdout), { domain: 2, total: 2, outstanding: 2, complete: false });
  sim.state.keys.set(7, { kind: 'aes', material: new Uint8Array(16), bits: 128, domain: 2 });
  const busy = await runOn(sim, ['domain', 'delete', '--domain', '2', '--yes', ...PIN], { env: ENV });
  t.is(busy.code, EXIT.FAILED);
  t.regex(busy.stderr, /delete key domain 2/);
  sim.state.keys.delete(7);
  const del = await runOn(sim, ['domain', 'delete', '--domain', '2', '--yes', ...PIN, '--json'], { env: ENV });
  t.is(del.code, EXIT.OK, del.stderr);
  t.deepEqual(JSON.parse(del.stdout), { domain: 2, deleted: true });
  t.regex((await runOn(sim, ['domain', 'list'])).stdout, /domain 2 {2}free/);
});

test('a device without key domains: domain list says so; dkek status --domain 1 says none', async (t) => {
  const sim = newSim();
  await runOn(sim, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], { env: ENV });
  const list = await runOn(sim, ['domain', 'list', '--json']);
  t.deepEqual(JSON.parse(list.stdout), { domains: [] });
  const st = await runOn(sim, ['dkek', 'status', '--domain', '1']);
  t.is(st.code, EXIT.OK);
  t.regex(st.stdout, /Key domain 1 +: none/);
});

test('status --domains lists the slots after the report (text and --json); plain status sends no key-domain query', async (t) => {
  const { sim } = await initWithDomains(['--dkek-shares', '1']);
  const apdus: Uint8Array[] = [];
  const plain = await runOn(sim, ['status'], { apdus });
  t.is(plain.code, EXIT.OK, plain.stderr);
  t.false(
    apdus.some((a) => a[1] === 0x52 && a[3] !== 0x00),
    'only the domain-0 DKEK query',
  );
  const text = await runOn(sim, ['status', '--domains']);
  t.regex(
    text.stdout,
    /\nKey domains +: 3\n {2}domain 0 {2}DKEK {2}1 share\(s\) {2}1 share\(s\) missing\n {2}domain 1 {2}free\n {2}domain 2 {2}free\n/,
  );
  const json = await runOn(sim, ['status', '--domains', '--json']);
  t.deepEqual(
    JSON.parse(json.stdout).keyDomains.map((d: { state: string }) => d.state),
    ['dkek', 'free', 'free'],
  );
});

/** A device with key domains 0 (peer share) and 1 (`share1`), set up through the card layer; keys by the CLI. */
async function twoDomainDevice(share1: string) {
  const sim = newSim();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, dkekShares: 1, keyDomains: 2 });
  await importDkekShare(card, fromHex(PEER_SHARE.share));
  await verifyPin(card, { pin: USER_PIN });
  await createDkekKeyDomain(card, 1, 1);
  await importDkekShare(card, fromHex(share1), 1);
  await card.close();
  return sim;
}

const SHARE_1 = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
/** SHA-256(01 02 … 20)[0..8] (openssl dgst -sha256). */
const KCV_1 = 'AE216C2EF5247A37';

test('clone with key domains: KCVs compared per domain; each key lands in the domain of its blob; a differing domain refuses before anything is imported', async (t) => {
  const a = await twoDomainDevice(SHARE_1);
  const b = await twoDomainDevice(SHARE_1);
  for (const [ref, domain] of [
    ['1', '1'],
    ['2', '0'],
  ] as const) {
    const g = await runOn(a, ['keys', 'generate', '--type', 'ec:prime256v1', '--ref', ref, '--domain', domain, ...PIN], { env: ENV });
    t.is(g.code, EXIT.OK, g.stderr);
  }
  const pair = async (argv: string[], from: typeof a, to: typeof b) =>
    runWith(argv, {
      env: ENV,
      open: async (source) => createSimulatorTransport({ simulator: source.reader === 'A' ? from : to }),
    });
  const c = await pair(['clone', '--from', 'A', '--to', 'B', '--pin-env', 'P', '--to-pin-env', 'P'], a, b);
  t.is(c.code, EXIT.OK, c.stderr);
  t.regex(
    c.stdout,
    new RegExp(`^key domain 0: DKEK KCV ${PEER_SHARE.kcv} on both devices\\nkey domain 1: DKEK KCV ${KCV_1} on both devices\\n`),
  );
  t.regex(c.stdout, /key 1: EC prime256v1.* — copied: ECDSA-SHA256 signature over a random challenge: verified/);
  t.is(b.state.keys.get(1)?.domain, 1);
  t.is(b.state.keys.get(2)?.domain, undefined, 'domain 0');

  const other = await twoDomainDevice('ff'.repeat(32));
  const refused = await pair(['clone', '--from', 'A', '--to', 'B', '--pin-env', 'P', '--to-pin-env', 'P'], a, other);
  t.is(refused.code, EXIT.REFUSED);
  t.regex(refused.stderr, new RegExp(`key domain 1: the DKEKs differ \\(source KCV ${KCV_1}, target KCV [0-9A-F]{16}\\)`));
  t.is(other.state.keys.size, 0, 'nothing imported');
});
