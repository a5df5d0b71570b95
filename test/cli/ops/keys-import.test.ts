// `schsm keys import` against simulated devices: what it imports (checked with OpenSSL's public keys),
// the order that protects devices and secrets (every device named and checked before any secret is
// asked, the DKEK compared with each device's KCV before anything is sent), several devices at once,
// --out without a device, and the refusals (exit 4) and failures (exit 1) with nothing written.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromHex } from '../../../src/apdu/hex.ts';
import { importDkekShare } from '../../../src/card/commands/import-dkek-share.ts';
import { initializeDevice } from '../../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { keyFiles, P12_PASSWORD } from '../../helpers/openssl-keys.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, runWith, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const k = keyFiles();
const env = { P: USER_PIN, PW: PEER_SHARE.password, P12: P12_PASSWORD };
const SECRETS = [USER_PIN, PEER_SHARE.password, P12_PASSWORD, PEER_SHARE.share];
const share = ['--share', PEER_SHARE.file, '--password-env', 'PW'];

async function device(): Promise<SmartCardHsmSimulator> {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  return sim;
}

/** INS bytes of the APDUs sent, and whether any carried a PIN or wrote anything. */
function touched(apdus: readonly Uint8Array[]) {
  return {
    pinTried: apdus.some((a) => a[1] === 0x20 && a.length > 5),
    written: apdus.some((a) => [0x74, 0xd7, 0xe4].includes(a[1] ?? 0)),
  };
}

function opensslVerify(pub: string, dir: string, msg: string, sig: string, digest = 'sha256'): boolean {
  const out = execFileSync('openssl', [
    'dgst',
    `-${digest}`,
    '-verify',
    pub,
    '-signature',
    path.join(dir, sig),
    path.join(dir, msg),
  ]).toString();
  return /Verified OK/.test(out);
}

test('a PKCS#12 key with its certificate: named device, label and ID from the file, proof, signs as OpenSSL expects; no secret printed', async (t) => {
  const sim = await device();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg'), 'federation metadata\n');
  const r = await runOn(sim, ['keys', 'import', k.p12, ...share, '--p12-password-env', 'P12', '--pin-env', 'P'], { env, cwd: dir });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stderr, /^device: SmartCard-HSM UTSM\d{7} in simulator$/m);
  t.regex(r.stdout, /^Key file +: .*ec\.p12 \(PKCS#12\)$/m);
  t.regex(r.stdout, /^Label +: "signer one"$/m);
  t.regex(r.stdout, new RegExp(`^ID +: ${k.p12LocalKeyId}$`, 'm'));
  t.regex(r.stdout, /^Certificate +: CN=metadata signer, O=Federation \(stored in CExx with the key\)$/m);
  t.regex(r.stdout, /^DKEK KCV +: 6C609824B9CA28EB \(the shares match every device\)$/m);
  t.regex(r.stdout, /key 1 imported; key check: ECDSA-SHA256 signature over a random challenge verifies$/m);
  assertNoSecrets(t, r, SECRETS);
  const list = await runOn(sim, ['keys', 'list'], { env });
  t.regex(list.stdout, /Private key 1 \(0x01\): EC prime256v1 "signer one"[\s\S]*X\.509 certificate in CE01/);
  const s = await runOn(sim, ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'sig', '--pin-env', 'P'], {
    env,
    cwd: dir,
  });
  t.is(s.code, EXIT.OK, s.stderr);
  t.true(opensslVerify(k.ecPub, dir, 'msg', 'sig'), 'the card signs with the key of the PKCS#12 file');
});

test('secrets from stdin in the documented order (PKCS#12 password, share password, PIN); --json; --no-export', async (t) => {
  const sim = await device();
  const r = await runOn(
    sim,
    [
      'keys',
      'import',
      k.p12Legacy,
      '--share',
      PEER_SHARE.file,
      '--password-stdin',
      '--p12-password-stdin',
      '--pin-stdin',
      '--no-export',
      '--json',
      '--ref',
      '9',
    ],
    { stdin: `${P12_PASSWORD}\n${PEER_SHARE.password}\n${USER_PIN}\n` },
  );
  t.is(r.code, EXIT.OK, r.stderr);
  const j = JSON.parse(r.stdout);
  t.like(j, { source: 'PKCS#12', kind: 'ec', bits: 256, curve: 'prime256v1', label: 'signer one', kcv: PEER_SHARE.kcv, exportable: false });
  t.deepEqual(j.allowedAlgorithms, ['70', '71', '72', '73', '74', '75', '80', '98']);
  t.like(j.devices[0], { ref: 9, keyCheck: 'verified' });
  assertNoSecrets(t, r, SECRETS);
  const w = await runOn(sim, ['keys', 'wrap', '--ref', '9', 'out.bin', '--pin-env', 'P'], { env, cwd: tempDir() });
  t.not(w.code, EXIT.OK, 'a key imported with --no-export cannot be wrapped');
});

test('one key into two devices (--reader twice, a PIN each): both named first, both proven, both sign as OpenSSL expects', async (t) => {
  const [a, b] = [await device(), await device()];
  const open = async (source: { reader?: string }) => {
    const t0 = await createSimulatorTransport({ simulator: source.reader === 'A' ? a : b });
    return {
      ...t0,
      name: `reader ${source.reader}`,
      transmit: (c: Uint8Array) => t0.transmit(c),
      close: () => t0.close(),
      reset: () => t0.reset(),
      exclusive: t0.exclusive,
    };
  };
  const argv = [
    'keys',
    'import',
    k.p12,
    '--reader',
    'A',
    '--reader',
    'B',
    ...share,
    '--p12-password-env',
    'P12',
    '--pin-env',
    'P',
    '--pin-env',
    'P2',
    '--json',
  ];
  const r = await runWith(argv, { env: { ...env, P2: USER_PIN }, open });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stderr, /device 1 of 2: SmartCard-HSM UTSM\d{7} in reader A\ndevice 2 of 2: SmartCard-HSM UTSM\d{7} in reader B/);
  const j = JSON.parse(r.stdout);
  t.deepEqual(
    j.devices.map((d: { reader: string; ref: number; keyCheck: string }) => [d.reader, d.ref, d.keyCheck]),
    [
      ['reader A', 1, 'verified'],
      ['reader B', 1, 'verified'],
    ],
  );
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg'), 'pool\n');
  for (const [i, sim] of [a, b].entries()) {
    const s = await runOn(
      sim,
      ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA384', '--in', 'msg', '--out', `sig${i}`, '--pin-env', 'P'],
      { env, cwd: dir },
    );
    t.is(s.code, EXIT.OK, s.stderr);
    t.true(opensslVerify(k.ecPub, dir, 'msg', `sig${i}`, 'sha384'), `device ${i + 1} signs with the PKCS#12 key`);
  }
});

test('a PEM key alone: a note that the device will not show its public key; --cert stores its certificate (export-pub and sign work); a foreign certificate is refused', async (t) => {
  const sim = await device();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg'), 'with certificate\n');
  const bare = await runOn(sim, ['keys', 'import', k.rsa2048Pkcs1, ...share, '--pin-env', 'P', '--ref', '7'], { env });
  t.is(bare.code, EXIT.OK, bare.stderr);
  t.regex(
    bare.stderr,
    /note: no certificate is stored with the key, so the devices will not show its public key \(--cert FILE stores one\)/,
  );
  t.regex(bare.stdout, /key 7 imported; key check: SHA256-RSA-PKCS signature over a random challenge verifies/);
  t.is((await runOn(sim, ['keys', 'export-pub', '--ref', '7'])).code, EXIT.FAILED, 'no CE07');
  const wrong = await runOn(sim, ['keys', 'import', k.rsa2048Pkcs1, '--cert', k.ecCertPem, ...share, '--pin-env', 'P'], { env });
  t.is(wrong.code, EXIT.USAGE);
  t.regex(wrong.stderr, /is not a certificate of this key/);
  const r = await runOn(sim, ['keys', 'import', k.ecKey, '--cert', k.ecCertPem, ...share, '--pin-env', 'P', '--ref', '1'], { env });
  t.is(r.code, EXIT.OK, r.stderr);
  t.is((await runOn(sim, ['keys', 'export-pub', '--ref', '1'])).stdout, readFileSync(k.ecPub, 'utf8'));
  const s = await runOn(sim, ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'sig', '--pin-env', 'P'], {
    env,
    cwd: dir,
  });
  t.is(s.code, EXIT.OK, s.stderr);
  t.true(opensslVerify(k.ecPub, dir, 'msg', 'sig'));
});

test('a device whose DKEK differs: refused after the shares are opened, before any PIN try or write (exit 1)', async (t) => {
  const sim = newSim();
  const c = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(c, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, retryCounter: 3, dkekShares: 1 });
  await importDkekShare(c, fromHex('11'.repeat(32)));
  await c.close();
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['keys', 'import', k.p12, ...share, '--p12-password-env', 'P12', '--pin-env', 'P'], { env, apdus });
  t.is(r.code, EXIT.FAILED);
  t.regex(
    r.stderr,
    /the DKEK of SmartCard-HSM UTSM\d{7} in simulator was wrapped under DKEK with KCV [0-9A-F]{16}, but the supplied DKEK has KCV 6C609824B9CA28EB/,
  );
  t.deepEqual(touched(apdus), { pinTried: false, written: false });
});

test('refusals before any secret is asked (no env, no stdin: asking would fail differently): key ref in use, incomplete or no DKEK, KEK readable by others', async (t) => {
  const sim = await device();
  t.is((await runOn(sim, ['keys', 'import', k.rsa2048Pkcs1, ...share, '--pin-env', 'P', '--ref', '3'], { env })).code, EXIT.OK);
  const taken = await runOn(sim, ['keys', 'import', k.p12, '--share', PEER_SHARE.file, '--ref', '3']);
  t.is(taken.code, EXIT.REFUSED);
  t.regex(taken.stderr, /key reference 3 is in use \(key CC03, PRKD C403\)[\s\S]*--replace/);
  const noDkek = newSim();
  await setupCard(noDkek);
  const n = await runOn(noDkek, ['keys', 'import', k.p12, '--share', PEER_SHARE.file]);
  t.is(n.code, EXIT.REFUSED);
  t.regex(n.stderr, /has no DKEK: keys cannot be imported into it/);
  const dir = tempDir();
  const kek = path.join(dir, 'kek.bin');
  writeFileSync(kek, readFileSync(k.kek));
  chmodSync(kek, 0o644);
  const apdus: Uint8Array[] = [];
  const open = await runOn(sim, ['keys', 'import', k.wrappedEc, '--kek-file', kek, '--share', PEER_SHARE.file], { apdus });
  t.is(open.code, EXIT.REFUSED);
  t.regex(open.stderr, /may be read by group or others \(mode 0644\); it is not used/);
  t.is(apdus.length, 0, 'refused before the card is opened');
});

test('--replace replaces a key; a wrong share password fails (exit 1) before any PIN try or write', async (t) => {
  const sim = await device();
  t.is(
    (await runOn(sim, ['keys', 'import', k.aesRaw, '--format', 'aes', ...share, '--pin-env', 'P', '--ref', '2'], { env })).code,
    EXIT.OK,
  );
  const apdus: Uint8Array[] = [];
  const bad = await runOn(sim, ['keys', 'import', k.aesHex, '--format', 'aes-hex', ...share, '--pin-env', 'P', '--ref', '2', '--replace'], {
    env: { ...env, PW: 'not the password' },
    apdus,
  });
  t.is(bad.code, EXIT.FAILED);
  t.regex(bad.stderr, /wrong password/);
  t.deepEqual(touched(apdus), { pinTried: false, written: false });
  const r = await runOn(sim, ['keys', 'import', k.wrappedAes, '--kek-file', k.kek, ...share, '--pin-env', 'P', '--ref', '2', '--replace'], {
    env,
  });
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /^Key file +: .*aes\.wrapped \(RFC 3394 \(CKM_AES_KEY_WRAP\) → AES key\)$/m);
  t.regex(r.stdout, /key 2 imported \(replaced key CC02, PRKD C402\); key check: AES-CMAC of a random challenge equals the host’s/);
});

test('--out with no device: sc-hsm-tool’s wrapped-key file (0600, never overwritten), which backup verify checks offline', async (t) => {
  const dir = tempDir();
  const argv = ['keys', 'import', k.p12, ...share, '--p12-password-env', 'P12', '--ref', '4', '--out', 'key.wrapped'];
  const r = await runWith(argv, { env, cwd: dir });
  t.is(r.code, EXIT.OK, r.stderr);
  t.is(r.sources.length, 0, 'no card was opened');
  t.regex(r.stdout, /DKEK KCV +: 6C609824B9CA28EB \(no device checked\)/);
  t.is(statSync(path.join(dir, 'key.wrapped')).mode & 0o777, 0o600);
  const again = await runWith(argv, { env, cwd: dir });
  t.is(again.code, EXIT.REFUSED);
  const v = await runWith(['backup', 'verify', 'key.wrapped', ...share], { env, cwd: dir });
  t.is(v.code, EXIT.OK, v.stdout + v.stderr);
  t.regex(v.stdout, /^Key +: EC prime256v1 \(256 bits\), private and public parts agree$/m);
  t.regex(v.stdout, /^PRKD +: label "signer one", ID [0-9a-f]{40}, key ref 4$/m);
  t.regex(v.stdout, /^Certificate +: x509 .*, matches the key$/m);
});

test('bad arguments are usage errors (exit 2): --id, --ref, a raw key without --format, --kek-file on a PEM key', async (t) => {
  const sim = await device();
  for (const [argv, re] of [
    [['--id', 'xyz'], /--id must be/],
    [['--ref', '0'], /--ref must be 1..255/],
  ] as const) {
    const r = await runOn(sim, ['keys', 'import', k.p12, ...share, ...argv]);
    t.is(r.code, EXIT.USAGE);
    t.regex(r.stderr, re);
  }
  const raw = await runOn(sim, ['keys', 'import', k.aesRaw, ...share]);
  t.is(raw.code, EXIT.USAGE);
  t.regex(raw.stderr, /32 bytes could be a raw AES key: say --format aes/);
  const kek = await runOn(sim, ['keys', 'import', k.rsa2048Pkcs1, '--kek-file', k.kek, '--format', 'pem', ...share]);
  t.is(kek.code, EXIT.USAGE);
});
