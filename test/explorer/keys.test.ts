// keys list|generate|sign|wrap|unwrap|delete and dkek status|import inside the shell, checked against
// independent oracles: node:crypto verifies signatures, the KCV of the peer share comes from the brief.
import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { explore, initialisedSim, PEER_SHARE, sent, tempDir, USER_PIN } from './helpers.ts';
import { exportPublicKey } from '../../src/card/keys.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../src/sim/index.ts';

const login = `verify user ${USER_PIN}`;

async function publicKeyOf(sim: SmartCardHsmSimulator, ref: number) {
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  const k = await exportPublicKey(card, ref);
  await card.close();
  return k;
}

test('keys generate and keys list', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [
    login,
    'keys generate ec:prime256v1 --label signer',
    'keys generate rsa:1024 --ref 5 --id 0A0B',
    'keys generate aes:128 --label wrapkey',
    'keys list',
  ]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /generated key 1: EC prime256v1 "signer", ID [0-9a-f]{40}/);
  t.regex(r.stdout, /CV request in CE01 \(stored by the card\), PRKD in C401/);
  t.regex(r.stdout, /generated key 5: RSA 1024, ID 0a0b/);
  t.regex(r.stdout, /generated key 2: AES 128 "wrapkey"/);
  t.regex(r.stdout, /^ +1 +EC prime256v1 +signer +[0-9a-f]{40} +sign,signRecover,derive +CV request$/m);
  t.regex(r.stdout, /^ +5 +RSA 1024 +0a0b +\S+ +CV request$/m);
  t.regex(r.stdout, /^ +2 +AES 128 +wrapkey/m);
  // GENERATE ASYMMETRIC KEY PAIR 00 46 | key 01 | signed by 00 (§3.11)
  t.true(r.apdus.some((a) => a[0] === 0x00 && a[1] === 0x46 && a[2] === 0x01 && a[3] === 0x00));
  const dup = await explore(sim, [login, 'keys generate ec:prime256v1 --ref 1']);
  t.is(dup.code, 1);
  t.regex(dup.stderr, /key 1 exists/);
  const bad = await explore(sim, [login, 'keys generate ec:nope']);
  t.regex(bad.stderr, /unknown curve|not a supported curve|curve/i);
  const empty = await explore(await initialisedSim(), 'keys list');
  t.regex(empty.stdout, /\(no keys besides the device key\)/);
});

test('keys sign: ECDSA and RSA signatures verify with node:crypto; --out writes 0600; --raw gives r‖s', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg.txt'), 'hello card');
  const r = await explore(
    sim,
    [
      login,
      'keys generate ec:prime256v1',
      'keys generate rsa:1024',
      'keys sign 1 ECDSA-SHA256 --in msg.txt --out ec.sig',
      'keys sign 2 SHA256-RSA-PKCS --text "hello card" --out rsa.sig',
      'keys sign 1 ecdsa-sha256 --hex 68656C6C6F2063617264 --raw',
    ],
    { cwd: dir },
  );
  t.is(r.code, 0, r.stderr);
  const msg = Buffer.from('hello card');
  const ecSig = readFileSync(path.join(dir, 'ec.sig'));
  const ecKey = createPublicKey((await publicKeyOf(sim, 1)).export({ format: 'pem', type: 'spki' }));
  t.true(verify('sha256', msg, ecKey, ecSig));
  t.is(statSync(path.join(dir, 'ec.sig')).mode & 0o777, 0o600);
  t.true(
    verify(
      'sha256',
      msg,
      createPublicKey((await publicKeyOf(sim, 2)).export({ format: 'pem', type: 'spki' })),
      readFileSync(path.join(dir, 'rsa.sig')),
    ),
  );
  t.regex(r.stdout, /ECDSA-SHA256 signature by key 1 \(\d+ bytes\), verified with the key's public key written to ec\.sig/);
  const raw = /ECDSA-SHA256 signature by key 1 \(64 bytes\), verified with the key's public key:\n([0-9A-F]{128})\n/.exec(r.stdout);
  t.truthy(raw, r.stdout);
  t.true(verify('sha256', msg, { key: ecKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(raw?.[1] ?? '', 'hex')));
  const noPin = await explore(sim, 'keys sign 1 ECDSA-SHA256 --text x');
  t.regex(noPin.stderr, /SW=6982/);
  const noInput = await explore(sim, [login, 'keys sign 1 ECDSA-SHA256']);
  t.regex(noInput.stderr, /give the data to sign once/);
});

test('keys wrap and unwrap round-trip a key under the DKEK; delete asks, --yes does not', async (t) => {
  const sim = await initialisedSim({ dkekShares: 0 });
  const dir = tempDir();
  const r = await explore(
    sim,
    [login, 'keys generate ec:prime256v1 --label backup-me', 'keys wrap 1 key1.wrapped', 'keys wrap 1 key1.wrapped'],
    { cwd: dir, keepGoing: true },
  );
  t.regex(r.stdout, /key 1 wrapped into key1\.wrapped \(\d+ bytes: key blob, PRKD, certificate\)/);
  t.regex(r.stderr, /key1\.wrapped already exists/);
  t.is(statSync(path.join(dir, 'key1.wrapped')).mode & 0o777, 0o600);
  // WRAP KEY 80 72 | 01 | 92 (§3.17)
  t.true(r.apdus.some((a) => a[0] === 0x80 && a[1] === 0x72 && a[2] === 0x01 && a[3] === 0x92));
  const del = await explore(sim, [login, 'keys delete 1']);
  t.is(del.code, 1);
  t.regex(del.stderr, /key 1 "backup-me" \(CC01, C401, CE01\) not deleted/);
  const gone = await explore(sim, [login, 'keys delete --ref 1 --yes', 'ls']);
  t.is(gone.code, 0, gone.stderr);
  t.regex(gone.stdout, /deleted CC01, C401, CE01/);
  t.notRegex(gone.stdout.slice(gone.stdout.indexOf('FID')), /CC01|C401|CE01/);
  const back = await explore(sim, [login, 'keys unwrap 7 key1.wrapped', 'keys list'], { cwd: dir });
  t.is(back.code, 0, back.stderr);
  t.regex(back.stdout, /key 7 unwrapped with its PRKD and certificate/);
  t.regex(back.stdout, /^ +7 +EC prime256v1 +backup-me/m);
  const taken = await explore(sim, [login, 'keys unwrap 7 key1.wrapped'], { cwd: dir });
  t.regex(taken.stderr, /key reference 7 is in use/);
});

test('dkek status and dkek import of the peer share file (password from --password-env)', async (t) => {
  const sim = await initialisedSim({ dkekShares: 1 });
  const r = await explore(
    sim,
    ['dkek status', `dkek import ${PEER_SHARE.file} --password-env PW`, 'dkek status', `dkek import ${PEER_SHARE.file} --password-env PW`],
    { env: { PW: PEER_SHARE.password }, keepGoing: true },
  );
  t.regex(r.stdout, /DKEK shares: +1\nDKEK import pending: +1 share\(s\) still missing/);
  t.regex(r.stdout, new RegExp(`DKEK key check value: ${PEER_SHARE.kcv}`));
  t.regex(r.stderr, /all 1 DKEK share\(s\) are already imported/);
  t.true(sent(r.apdus, '80 52 00 00 00'), 'status query, case 2S (§3.10)');
  t.false(r.stdout.includes(PEER_SHARE.password) || r.stderr.includes(PEER_SHARE.password));
  const noPw = await explore(await initialisedSim({ dkekShares: 1 }), `dkek import ${PEER_SHARE.file}`);
  t.regex(noPw.stderr, /no share password given and no terminal/);
  const unset = await explore(await initialisedSim({ dkekShares: 1 }), `dkek import ${PEER_SHARE.file} --password-env NOPE`);
  t.regex(unset.stderr, /the environment variable named by --password-env is not set or empty/);
});
