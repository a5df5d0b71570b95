import test from 'ava';
import { createPublicKey, verify, constants } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, newSim, runOn, setupCard, SO_PIN, tempDir, USER_PIN, PEER_SHARE } from './helpers.ts';

const env = { P: USER_PIN };
const MESSAGE = 'The quick brown fox jumps over the lazy dog\n'.repeat(100); // 4.4 kB: more than one APDU

async function cardWithKeys() {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  writeFileSync(path.join(dir, 'msg'), MESSAGE);
  const run = (argv: string[], o: Parameters<typeof runOn>[2] = {}) => runOn(sim, argv, { env, cwd: dir, ...o });
  return { sim, dir, run };
}

test('generate: EC on three curves, RSA-2048 and AES-256, each described like OpenSC; list shows them', async (t) => {
  const { run } = await cardWithKeys();
  const ec = await run(['keys', 'generate', '--type', 'ec:prime256v1', '--label', 'signer', '--pin-env', 'P', '--json']);
  t.is(ec.code, EXIT.OK, ec.stderr);
  const j = JSON.parse(ec.stdout);
  t.like(j, { ref: 1, kind: 'ec', size: 256, curve: 'prime256v1', label: 'signer' });
  t.regex(j.id, /^[0-9a-f]{40}$/, 'default ID = SHA-1 of the public key (40 hex digits)');
  for (const type of ['ec:brainpoolP256r1', 'ec:secp256k1', 'rsa:2048', 'aes:256']) {
    const r = await run(['keys', 'generate', '--type', type, '--pin-env', 'P']);
    t.is(r.code, EXIT.OK, `${type}: ${r.stderr}`);
  }
  t.is(
    (await run(['keys', 'generate', '--type', 'rsa:2048', '--id', '0a0b', '--label', 'web', '--ref', '17', '--pin-env', 'P'])).code,
    EXIT.OK,
  );
  const list = await run(['keys', 'list']);
  t.is(list.code, EXIT.OK);
  t.regex(list.stdout, /^Private key 1 \(0x01\): EC prime256v1 "signer"$/m);
  t.regex(list.stdout, /^Private key 2 \(0x02\): EC brainpoolP256r1$/m);
  t.regex(list.stdout, /^Private key 3 \(0x03\): EC secp256k1$/m);
  t.regex(list.stdout, /^Private key 4 \(0x04\): RSA 2048$/m);
  t.regex(list.stdout, /^Secret key 5 \(0x05\): AES 256$/m);
  t.regex(list.stdout, /^Private key 17 \(0x11\): RSA 2048 "web"\n {2}Key ref {7}: 17 \(0x11\)\n {2}ID {12}: 0a0b$/m);
  const keys = JSON.parse((await run(['keys', 'list', '--json'])).stdout) as { ref: number; publicKeyFingerprint: string | null }[];
  t.deepEqual(
    keys.map((k) => k.ref),
    [1, 2, 3, 4, 5, 17],
  );
  t.is(keys.find((k) => k.ref === 5)?.publicKeyFingerprint, null);
});

test('generate: bad --type and bad --ref are usage errors (exit 2) before any PIN is asked', async (t) => {
  const { run } = await cardWithKeys();
  const a = await run(['keys', 'generate', '--type', 'ec:nist-p-999']);
  t.is(a.code, EXIT.USAGE);
  t.regex(a.stderr, /curve nist-p-999 is not supported/);
  const b = await run(['keys', 'generate', '--type', 'ec:prime256v1', '--ref', '0']);
  t.is(b.code, EXIT.USAGE);
  t.regex(b.stderr, /key 0 is the device authentication key/);
});

test('generate at an occupied --ref: refused before any PIN try (exit 4) also with --force; --replace replaces the key', async (t) => {
  const { run, sim } = await cardWithKeys();
  t.is((await run(['keys', 'generate', 'ec:prime256v1', '--ref', '3', '--pin-env', 'P'])).code, EXIT.OK);
  const first = Buffer.from(sim.state.keys.get(3)?.material ?? []).toString('hex');
  for (const extra of [[], ['--force']]) {
    const again = await run(['keys', 'generate', 'rsa:1024', '--ref', '3', '--pin-stdin', ...extra], { stdin: '' });
    t.is(again.code, EXIT.REFUSED, again.stderr);
    t.regex(again.stderr, /key reference 3 is in use \(key CC03, PRKD C403, certificate CE03\)/);
    t.regex(again.stderr, /or --replace to delete the key there/);
    if (extra.length > 0) t.regex(again.stderr, /--force only overwrites local files; it never replaces a key on the card/);
  }
  t.is(sim.state.userPin?.retries, 3, 'no PIN was asked for or tried');
  t.is(Buffer.from(sim.state.keys.get(3)?.material ?? []).toString('hex'), first, 'key 3 untouched');
  const replaced = await run(['keys', 'generate', 'rsa:1024', '--ref', '3', '--replace', '--pin-env', 'P', '--json']);
  t.is(replaced.code, EXIT.OK, replaced.stderr);
  t.like(JSON.parse(replaced.stdout), { ref: 3, kind: 'rsa', size: 1024 });
  t.is(sim.state.keys.get(3)?.kind, 'rsa');
});

test("sign a 4.4 kB file: ECDSA-SHA256 (DER and raw), SHA256-RSA-PKCS, RSA-PSS-SHA256 verify with export-pub's key", async (t) => {
  const { run, dir } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await run(['keys', 'generate', '--type', 'rsa:2048', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await run(['keys', 'export-pub', '--ref', '1', '--out', 'ec.pem'])).code, EXIT.OK);
  t.is((await run(['keys', 'export-pub', '--ref', '2', '--out', 'rsa.der', '--format', 'der'])).code, EXIT.OK);
  const ecKey = createPublicKey(readFileSync(path.join(dir, 'ec.pem')));
  const rsaKey = createPublicKey({ key: readFileSync(path.join(dir, 'rsa.der')), format: 'der', type: 'spki' });
  const msg = Buffer.from(MESSAGE);
  const sigOf = async (argv: string[], out: string): Promise<Buffer> => {
    const r = await run(['keys', 'sign', ...argv, '--in', 'msg', '--out', out, '--pin-env', 'P']);
    t.is(r.code, EXIT.OK, r.stderr);
    t.regex(r.stdout, /verified with the public key/);
    assertNoSecrets(t, r, [USER_PIN]);
    return readFileSync(path.join(dir, out));
  };
  t.true(verify('sha256', msg, { key: ecKey, dsaEncoding: 'der' }, await sigOf(['--ref', '1', '--alg', 'ECDSA-SHA256'], 'ec.sig')));
  const raw = await sigOf(['--ref', '1', '--alg', 'ecdsa-sha256', '--signature-format', 'raw'], 'ec.raw');
  t.is(raw.length, 64);
  t.true(verify('sha256', msg, { key: ecKey, dsaEncoding: 'ieee-p1363' }, raw));
  t.true(verify('sha256', msg, rsaKey, await sigOf(['--ref', '2', '--alg', 'SHA256-RSA-PKCS'], 'rsa.sig')));
  const pss = await sigOf(['--ref', '2', '--alg', 'RSA-PSS-SHA256'], 'pss.sig');
  t.true(verify('sha256', msg, { key: rsaKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss));
  t.is(statSync(path.join(dir, 'pss.sig')).size, 256);
});

test('sign: unknown mechanism (exit 2), existing output (exit 4), missing key (exit 1), ECDSA on an RSA key (exit 1, no file)', async (t) => {
  const { run, dir } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'rsa:2048', '--pin-env', 'P'])).code, EXIT.OK);
  const a = await run(['keys', 'sign', '--ref', '1', '--alg', 'MD5-RSA', '--in', 'msg', '--out', 's', '--pin-env', 'P']);
  t.is(a.code, EXIT.USAGE);
  t.regex(a.stderr, /unknown signature mechanism/);
  writeFileSync(path.join(dir, 'exists.sig'), 'x');
  t.is(
    (await run(['keys', 'sign', '--ref', '1', '--alg', 'SHA256-RSA-PKCS', '--in', 'msg', '--out', 'exists.sig', '--pin-env', 'P'])).code,
    EXIT.REFUSED,
  );
  const missing = await run(['keys', 'sign', '--ref', '9', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'm.sig', '--pin-env', 'P']);
  t.is(missing.code, EXIT.FAILED);
  t.regex(missing.stderr, /no key with reference 9/);
  const wrong = await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'w.sig', '--pin-env', 'P']);
  t.is(wrong.code, EXIT.FAILED);
  t.throws(() => statSync(path.join(dir, 'w.sig')));
});

test('export-pub to stdout is PEM; DER without --out is a usage error', async (t) => {
  const { run } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'ec:secp384r1', '--pin-env', 'P'])).code, EXIT.OK);
  const r = await run(['keys', 'export-pub', '--ref', '1']);
  t.is(r.code, EXIT.OK);
  t.is(createPublicKey(r.stdout).asymmetricKeyDetails?.namedCurve, 'secp384r1');
  t.is((await run(['keys', 'export-pub', '--ref', '1', '--format', 'der'])).code, EXIT.USAGE);
});

test('delete needs --yes (exit 4), then removes CCxx, C4xx and CExx', async (t) => {
  const { run, sim } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  const refused = await run(['keys', 'delete', '--ref', '1', '--pin-env', 'P']);
  t.is(refused.code, EXIT.REFUSED);
  t.true(sim.state.keys.has(1));
  const r = await run(['keys', 'delete', '--ref', '1', '--pin-env', 'P', '--yes']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.is(r.stdout, 'deleted key 1 (CC01, C401, CE01)\n');
  t.false(sim.state.keys.has(1));
  t.false(sim.state.files.has(0xc401));
  t.false(sim.state.files.has(0xce01));
});

test("wrap → unwrap on another device with the same DKEK: same public key, and the restored key's signature verifies with the original", async (t) => {
  const { run, dir } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'ec:brainpoolP256r1', '--label', 'backup me', '--pin-env', 'P'])).code, EXIT.OK);
  const original = createPublicKey((await run(['keys', 'export-pub', '--ref', '1'])).stdout);
  const w = await run(['keys', 'wrap', '--ref', '1', 'k1.wrapped', '--pin-env', 'P']);
  t.is(w.code, EXIT.OK, w.stderr);
  t.regex(w.stdout, new RegExp(`DKEK KCV ${PEER_SHARE.kcv}; PRKD included, certificate included`));
  t.is(statSync(path.join(dir, 'k1.wrapped')).mode & 0o777, 0o600);
  const bytes = readFileSync(path.join(dir, 'k1.wrapped'));
  t.is(bytes[0], 0x30, '§9.2: SEQUENCE');
  t.is(bytes[bytes[1] === 0x82 ? 4 : 3], 0x04, '§9.2: first element an OCTET STRING');
  t.is((await run(['keys', 'wrap', '--ref', '1', 'k1.wrapped', '--pin-env', 'P'])).code, EXIT.REFUSED, 'never overwrites');

  const other = newSim();
  await setupCard(other, { dkek: true });
  const u = await runOn(other, ['keys', 'unwrap', 'k1.wrapped', '--ref', '7', '--pin-env', 'P'], { env, cwd: dir });
  t.is(u.code, EXIT.OK, u.stderr);
  t.regex(u.stdout, /key check: ECDSA-SHA256 signature over a random challenge verifies with the certificate's public key/);
  t.regex(u.stdout, /label "backup me"/);
  const restored = createPublicKey((await runOn(other, ['keys', 'export-pub', '--ref', '7'])).stdout);
  t.true(restored.equals(original));
  const s = await runOn(
    other,
    ['keys', 'sign', '--ref', '7', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'restored.sig', '--pin-env', 'P'],
    { env, cwd: dir },
  );
  t.is(s.code, EXIT.OK, s.stderr);
  t.true(verify('sha256', Buffer.from(MESSAGE), { key: original, dsaEncoding: 'der' }, readFileSync(path.join(dir, 'restored.sig'))));
});

test('unwrap refuses an occupied reference (exit 4) unless --replace (--force is not it), and a different DKEK before any PIN try (exit 1)', async (t) => {
  const { run, sim, dir } = await cardWithKeys();
  t.is((await run(['keys', 'generate', '--type', 'rsa:2048', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await run(['keys', 'wrap', '--ref', '1', 'rsa.wrapped', '--pin-env', 'P'])).code, EXIT.OK);
  const busy = await run(['keys', 'unwrap', 'rsa.wrapped', '--ref', '2', '--pin-env', 'P']);
  t.is(busy.code, EXIT.REFUSED);
  t.regex(busy.stderr, /key reference 2 is in use \(key CC02, PRKD C402, certificate CE02\)/);
  const forced = await run(['keys', 'unwrap', 'rsa.wrapped', '--ref', '2', '--force', '--pin-env', 'P']);
  t.is(forced.code, EXIT.REFUSED, '--force only overwrites local files');
  t.regex(forced.stderr, /or --replace to delete the key there.*--force only overwrites local files/);
  t.is(sim.state.keys.get(2)?.kind, 'ec', 'key 2 untouched');
  const replaced = await run(['keys', 'unwrap', 'rsa.wrapped', '--ref', '2', '--replace', '--pin-env', 'P', '--json']);
  t.is(replaced.code, EXIT.OK, replaced.stderr);
  t.like(JSON.parse(replaced.stdout), { ref: 2, keyType: 'RSA (CRT)', replaced: true, keyCheck: 'verified' });
  t.is(sim.state.keys.get(2)?.kind, 'rsa');

  const stranger = newSim();
  await setupCard(stranger);
  await runOn(stranger, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '0'], {
    env: { SO: SO_PIN, P: USER_PIN },
  });
  const mismatch = await runOn(stranger, ['keys', 'unwrap', 'rsa.wrapped', '--ref', '1', '--pin-env', 'P'], { env, cwd: dir });
  t.is(mismatch.code, EXIT.FAILED);
  t.regex(mismatch.stderr, new RegExp(`wrapped under DKEK with KCV ${PEER_SHARE.kcv}`));
  t.is(stranger.state.userPin?.retries, 3, 'no PIN try spent');
});
