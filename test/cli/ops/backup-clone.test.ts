import test from 'ava';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, runWith, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN, PW: PEER_SHARE.password, SO: SO_PIN };

test('backup verify (offline): a key wrapped under the peer share verifies; a flipped byte fails the MAC (exit 1)', async (t) => {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--label', 'vault', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const fp = JSON.parse((await runOn(sim, ['keys', 'list', '--json'])).stdout)[0].publicKeyFingerprint as string;
  t.is((await runOn(sim, ['keys', 'wrap', '--ref', '1', 'k.wrapped', '--pin-env', 'P'], { env, cwd: dir })).code, EXIT.OK);
  const ok = await runWith(['backup', 'verify', 'k.wrapped', '--share', PEER_SHARE.file, '--password-env', 'PW'], { env, cwd: dir });
  t.is(ok.code, EXIT.OK, ok.stderr);
  t.is(
    ok.stdout,
    [
      'File                 : k.wrapped (wrapped-key file)',
      `Blob KCV             : ${PEER_SHARE.kcv}`,
      `Shares KCV           : ${PEER_SHARE.kcv} (match)`,
      'MAC                  : valid',
      'Key                  : EC prime256v1 (256 bits), private and public parts agree',
      `Public key SHA-256   : ${fp}`,
      'Allowed algorithms   : any',
      /PRKD {17}: label "vault", ID [0-9a-f]{40}, key ref 1/.exec(ok.stdout)?.[0] ?? 'PRKD line missing',
      /Certificate {10}: cv-request UTSM\d{7}00001, matches the key/.exec(ok.stdout)?.[0] ?? 'certificate line missing',
      'Result               : VERIFIED',
      '',
    ].join('\n'),
  );
  t.deepEqual(ok.sources, [], 'no card opened');
  assertNoSecrets(t, ok, [PEER_SHARE.password]);

  const bytes = readFileSync(path.join(dir, 'k.wrapped'));
  const blobEnd = 4 + (((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0)) + 4; // 30 82 LL LL | 04 82 LL LL <blob>
  bytes[blobEnd - 1] = (bytes[blobEnd - 1] ?? 0) ^ 0x01; // last MAC byte
  writeFileSync(path.join(dir, 'bad.wrapped'), bytes);
  const bad = await runWith(['backup', 'verify', 'bad.wrapped', '--share', PEER_SHARE.file, '--password-env', 'PW', '--json'], {
    env,
    cwd: dir,
  });
  t.is(bad.code, EXIT.FAILED);
  t.like(JSON.parse(bad.stdout), { kcvMatches: true, macValid: false, verified: false });
});

/** Two simulated devices behind "reader A" and "reader B". */
function twoReaders(a: SmartCardHsmSimulator, b: SmartCardHsmSimulator) {
  return (argv: string[], o: { stdin?: string } = {}) =>
    runWith(argv, {
      env,
      ...o,
      open: async (src) =>
        createSimulatorTransport({ simulator: src.reader === 'reader A' ? a : src.reader === 'reader B' ? b : newSim() }),
    });
}

test('clone copies every key, proves each copy with the source public key, and reports per key', async (t) => {
  const [a, b] = [newSim(), newSim()];
  await setupCard(a, { dkek: true });
  await setupCard(b, { dkek: true });
  for (const type of ['ec:prime256v1', 'rsa:2048', 'aes:128', 'ec:secp521r1']) {
    t.is((await runOn(a, ['keys', 'generate', '--type', type, '--label', type, '--pin-env', 'P'], { env })).code, EXIT.OK);
  }
  const run = twoReaders(a, b);
  const dry = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--dry-run']);
  t.is(dry.code, EXIT.OK, dry.stderr);
  t.regex(dry.stdout, /key 3: AES 128 "aes:128" — would be copied/);
  t.is(b.state.keys.size, a.state.keys.size - 4, 'dry run copies nothing');

  const r = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.is(
    r.stdout,
    [
      `DKEK KCV ${PEER_SHARE.kcv} on both devices`,
      '  key 1: EC prime256v1 "ec:prime256v1" — copied: ECDSA-SHA256 signature over a random challenge: verified; public key equal',
      '  key 2: RSA 2048 "rsa:2048" — copied: SHA256-RSA-PKCS signature over a random challenge: verified; public key equal',
      '  key 3: AES 128 "aes:128" — copied: AES-CMAC over a random challenge on both cards: verified',
      '  key 4: EC secp521r1 "ec:secp521r1" — copied: ECDSA-SHA256 signature over a random challenge: verified; public key equal',
      '',
    ].join('\n'),
  );
  assertNoSecrets(t, r, [USER_PIN]);
  // the copy signs like the original
  const dir = tempDir();
  writeFileSync(path.join(dir, 'm'), 'clone check');
  t.is(
    (
      await runOn(b, ['keys', 'sign', '--ref', '4', '--alg', 'ECDSA-SHA512', '--in', 'm', '--out', 's', '--pin-env', 'P'], {
        env,
        cwd: dir,
      })
    ).code,
    EXIT.OK,
  );
  const pub = createPublicKey((await runOn(a, ['keys', 'export-pub', '--ref', '4'])).stdout);
  t.true(verify('sha512', Buffer.from('clone check'), { key: pub, dsaEncoding: 'der' }, readFileSync(path.join(dir, 's'))));

  const again = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P', '--json']);
  t.is(again.code, EXIT.REFUSED, 'the AES key at 3 cannot be compared without a PIN: a conflict');
});

test('clone refuses different DKEKs (exit 4) without a PIN try or any change', async (t) => {
  const [a, b] = [newSim(), newSim()];
  await setupCard(a, { dkek: true });
  await setupCard(b);
  await runOn(b, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '0'], { env });
  t.is((await runOn(a, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const r = await twoReaders(a, b)(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(r.code, EXIT.REFUSED);
  t.regex(r.stderr, new RegExp(`the DKEKs differ: source KCV ${PEER_SHARE.kcv}, target KCV [0-9A-F]{16}`));
  t.regex(r.stderr, /nothing was changed/);
  t.is(b.state.keys.has(1), false);
  t.is(a.state.userPin?.retries, 3);
  t.is(b.state.userPin?.retries, 3);
});

test('clone refuses a target that holds a different key at the same reference; keys already present are skipped', async (t) => {
  const [a, b] = [newSim(), newSim()];
  await setupCard(a, { dkek: true });
  await setupCard(b, { dkek: true });
  t.is((await runOn(a, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env })).code, EXIT.OK);
  t.is((await runOn(b, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env })).code, EXIT.OK);
  const run = twoReaders(a, b);
  const r = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(r.code, EXIT.REFUSED);
  t.regex(r.stderr, /different objects at key reference\(s\) 1 \(key CC01, PRKD C401, certificate CE01\)/);

  const c = newSim();
  await setupCard(c, { dkek: true });
  const copy = twoReaders(a, c);
  t.is(
    (await copy(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-stdin'], { stdin: `${USER_PIN}\n${USER_PIN}\n` })).code,
    EXIT.OK,
  );
  const second = await copy(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(second.code, EXIT.OK);
  t.regex(second.stdout, /key 1: EC prime256v1 — present: already on the target \(same public key\)/);
});

test("backup verify of a file written by sc-hsm-tool --wrap-key (fixture): VERIFIED, with the key's own public key fingerprint", async (t) => {
  const fixture = (name: string): string => path.join(path.dirname(PEER_SHARE.file), name);
  const pem = readFileSync(fixture('sc-hsm-tool-wrapped-ec.pub.pem'), 'utf8');
  const expected = createHash('sha256')
    .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
    .digest('hex');
  const r = await runWith(
    ['backup', 'verify', fixture('sc-hsm-tool-wrapped-ec.bin'), '--share', PEER_SHARE.file, '--password-stdin', '--json'],
    { stdin: `${PEER_SHARE.password}\n` },
  );
  t.is(r.code, EXIT.OK, r.stderr);
  const j = JSON.parse(r.stdout);
  t.like(j, { container: 'wrapped-key-file', blobKcv: PEER_SHARE.kcv, kcvMatches: true, macValid: true, verified: true });
  t.like(j.key, { kind: 'ec', curve: 'brainpoolP256r1', bits: 256, consistent: true, fingerprint: expected });
  t.like(j.prkd, { label: 'fixture EC', keyReference: 1 });
  t.like(j.certificate, { kind: 'cv-request', matchesKey: true, fingerprint: expected });
});
