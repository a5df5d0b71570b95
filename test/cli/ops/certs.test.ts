// `schsm certs list|import|export|delete` against the simulator. Certificates and keys come from the
// OpenSSL command line (an independent producer); the C8xx bytes are the ones `pkcs11-tool
// --write-object ca.der --type cert --id 99 --label "Probe CA"` wrote on the card (interop-certs.test.ts
// checks the same through pcscd). A certificate must belong to its key: by public key when the card
// knows it (CV request), by a signature on the card when it does not (a key imported without one).
import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../../src/apdu/hex.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { keyFiles, openssl, opensslRootCa } from '../../helpers/openssl-keys.ts';
import { assertNoSecrets, newSim, PEER_SHARE, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN, PW: PEER_SHARE.password };
const share = ['--share', PEER_SHARE.file, '--password-env', 'PW'];

/** A CA (P-256, self-signed) and a certificate it issues for `pub` (SPKI PEM) with subject `subj`. */
function issue(dir: string, pub: string, subj: string, name: string): string {
  const f = (n: string): string => path.join(dir, n);
  try {
    statSync(f('ca.key'));
  } catch {
    opensslRootCa(dir, 'Probe Root CA');
    openssl(['x509', '-in', f('ca.pem'), '-outform', 'DER', '-out', f('ca.der')]);
  }
  openssl(['req', '-new', '-key', f('ca.key'), '-subj', subj, '-out', f(`${name}.csr`)]);
  openssl([
    'x509',
    '-req',
    '-in',
    f(`${name}.csr`),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-force_pubkey',
    pub,
    '-days',
    '30',
    '-set_serial',
    '7',
    '-out',
    f(`${name}.pem`),
  ]);
  return f(`${name}.pem`);
}

async function setup() {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  const run = (argv: string[], o: Parameters<typeof runOn>[2] = {}) => runOn(sim, argv, { env, cwd: dir, ...o });
  return { sim, dir, run };
}

test('end-entity: a certificate for a generated key goes to CExx (found by its public key), exports as OpenSSL wrote it', async (t) => {
  const { sim, dir, run } = await setup();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--label', 'signer', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await run(['keys', 'export-pub', '--ref', '1', '--out', 'k1.pub'])).code, EXIT.OK);
  const pem = issue(dir, path.join(dir, 'k1.pub'), '/CN=signer one', 'k1');
  const der = openssl(['x509', '-in', pem, '-outform', 'DER']);
  const imp = await run(['certs', 'import', pem, '--pin-env', 'P']);
  t.is(imp.code, EXIT.OK, imp.stderr);
  t.is(
    imp.stdout,
    'stored "CN=signer one" with key 1 in CE01, label "signer"\nkey check: belongs to the key: public key compared with the CV request from key generation\n',
  );
  t.is(toHex(sim.state.files.get(0xce01) ?? new Uint8Array()), toHex(der));
  assertNoSecrets(t, imp, [USER_PIN]);
  const list = JSON.parse((await run(['certs', 'list', '--json'])).stdout) as Record<string, unknown>[];
  t.is(list.length, 1);
  t.like(list[0], {
    kind: 'end-entity',
    ref: 1,
    keyPresent: true,
    label: 'signer',
    fid: 'CE01',
    cd: null,
    subject: 'CN=signer one',
    issuer: 'CN=Probe Root CA',
    serial: '07',
    ca: false,
  });
  const keys = JSON.parse((await run(['keys', 'list', '--json'])).stdout) as {
    certificate: string;
    id: string;
    publicKeyFingerprint: string;
  }[];
  t.is(keys[0]?.certificate, 'x509', 'keys list sees the certificate');
  t.is(list[0]?.id, keys[0]?.id);
  t.is(list[0]?.publicKeyFingerprint, keys[0]?.publicKeyFingerprint);
  t.regex(
    (await run(['certs', 'list'])).stdout,
    /^Certificate of key 1 "signer"\n {2}ID {12}: [0-9a-f]{40}\n {2}Subject {7}: CN=signer one\n {2}Issuer {8}: CN=Probe Root CA\n/,
  );
  const out = await run(['certs', 'export', '--ref', '1', '--out', '-']);
  t.is(out.code, EXIT.OK, out.stderr);
  t.is(out.stdout, readFileSync(pem, 'utf8'), 'PEM on stdout as OpenSSL wrote it');
  t.is((await run(['certs', 'export', '--ref', '1', '--format', 'der', '--out', 'c.der'])).code, EXIT.OK);
  t.deepEqual(readFileSync(path.join(dir, 'c.der')), der);
  const again = await run(['certs', 'export', '--ref', '1', '--format', 'der', '--out', 'c.der']);
  t.is(again.code, EXIT.REFUSED, 'never overwritten without --force');
  t.is((await run(['certs', 'export', '--ref', '1', '--out', 'c.der', '--force'])).code, EXIT.OK);
  t.is(readFileSync(path.join(dir, 'c.der'), 'utf8'), readFileSync(pem, 'utf8'));
  t.is((await run(['certs', 'export', '--ref', '1', '--format', 'der', '--out', '-'])).code, EXIT.USAGE, 'no binary on stdout');
  const dup = await run(['certs', 'import', pem, '--ref', '1', '--pin-env', 'P']);
  t.is(dup.code, EXIT.REFUSED);
  t.regex(dup.stderr, /key 1 already has an X\.509 certificate[\s\S]*--replace/);
  t.is((await run(['certs', 'import', pem, '--ref', '1', '--replace', '--pin-env', 'P'])).code, EXIT.OK);
});

test('a certificate for another key is refused unless --allow-key-mismatch; --ref with --label, a missing key: refused', async (t) => {
  const { sim, dir, run } = await setup();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  const k = keyFiles();
  const other = issue(dir, k.ecPub, '/CN=someone else', 'other');
  const before = sim.state.files.get(0xce01);
  const r = await run(['certs', 'import', other, '--ref', '1', '--pin-env', 'P']);
  t.is(r.code, EXIT.REFUSED);
  t.regex(
    r.stderr,
    /the certificate does not belong to key 1: its public key is not key 1's \(public key compared with the CV request from key generation\)/,
  );
  t.regex(r.stderr, /--allow-key-mismatch/);
  t.is(sim.state.files.get(0xce01), before, 'nothing written');
  const rsa = issue(dir, k.rsa2048Pub, '/CN=rsa', 'rsa');
  const kind = await run(['certs', 'import', rsa, '--ref', '1', '--pin-env', 'P']);
  t.regex(kind.stderr, /the key is EC, the certificate's key RSA/);
  const forced = await run(['certs', 'import', other, '--ref', '1', '--allow-key-mismatch', '--pin-env', 'P']);
  t.is(forced.code, EXIT.OK, forced.stderr);
  t.regex(forced.stdout, /key check: does NOT belong to the key \(--allow-key-mismatch\)/);
  t.is((await run(['certs', 'import', other, '--ref', '2', '--pin-env', 'P'])).code, EXIT.FAILED, 'no key 2');
  t.is((await run(['certs', 'import', other, '--ref', '1', '--label', 'x'])).code, EXIT.USAGE);
  t.is((await run(['certs', 'import', other, '--ref', '1', '--ca'])).code, EXIT.USAGE);
  t.is((await run(['certs', 'import', k.ecKey])).code, EXIT.USAGE, 'a key file is not a certificate');
});

test('a key imported without certificate: the card proves the match by a signature the certificate verifies', async (t) => {
  const { dir, run } = await setup();
  const k = keyFiles();
  const imp = await run(['keys', 'import', k.rsa2048Pkcs1, ...share, '--pin-env', 'P', '--ref', '7', '--label', 'bare']);
  t.is(imp.code, EXIT.OK, imp.stderr);
  const mine = path.join(dir, 'mine.pem');
  openssl(['req', '-x509', '-key', k.rsa2048Pkcs1, '-subj', '/CN=bare key', '-days', '30', '-out', mine]);
  const wrong = path.join(dir, 'wrong.pem');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path.join(dir, 'w.key'),
    '-subj',
    '/CN=wrong',
    '-days',
    '30',
    '-out',
    wrong,
  ]);
  const bad = await run(['certs', 'import', wrong, '--ref', '7', '--pin-env', 'P']);
  t.is(bad.code, EXIT.REFUSED);
  t.regex(bad.stderr, /SHA256-RSA-PKCS signature over a random challenge does NOT verify with the certificate/);
  const ok = await run(['certs', 'import', mine, '--ref', '7', '--pin-env', 'P']);
  t.is(ok.code, EXIT.OK, ok.stderr);
  t.regex(ok.stdout, /key check: belongs to the key: SHA256-RSA-PKCS signature over a random challenge verifies with the certificate/);
  const pub = await run(['keys', 'export-pub', '--ref', '7']);
  t.is(pub.stdout, readFileSync(k.rsa2048Pub, 'utf8'), 'keys export-pub now has the public key');
});

test('CA certificates: CAxx with OpenSC’s C8xx description, listed, exported, deleted with --yes', async (t) => {
  const { sim, dir, run } = await setup();
  issue(dir, keyFiles().ecPub, '/CN=x', 'x');
  const r = await run(['certs', 'import', 'ca.der', '--label', 'Probe CA', '--id', '99', '--pin-env', 'P']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.is(r.stdout, 'stored "CN=Probe Root CA" as CA certificate CA00, C800, label "Probe CA"\n');
  t.is(toHex(sim.state.files.get(0xc800) ?? new Uint8Array()), '301F300E0C0850726F6265204341030206403003040199A108300630040402CA00');
  t.deepEqual(Buffer.from(sim.state.files.get(0xca00) ?? []), readFileSync(path.join(dir, 'ca.der')));
  const dup = await run(['certs', 'import', 'ca.pem', '--pin-env', 'P']);
  t.is(dup.code, EXIT.REFUSED, 'the same certificate again');
  const second = await run(['certs', 'import', 'x.pem', '--ca', '--pin-env', 'P']);
  t.is(second.code, EXIT.OK, second.stderr);
  t.regex(second.stdout, /CA certificate CA01, C801, label "x"/);
  const list = JSON.parse((await run(['certs', 'list', '--json'])).stdout) as Record<string, unknown>[];
  t.deepEqual(
    list.map((c) => [c.kind, c.label, c.id, c.fid, c.cd, c.ca]),
    [
      ['ca', 'Probe CA', '99', 'CA00', 'C800', true],
      ['ca', 'x', toHex(new Uint8Array(Buffer.from(list[1]?.id as string, 'hex'))).toLowerCase(), 'CA01', 'C801', false],
    ],
  );
  t.is((await run(['certs', 'export', '--label', 'Probe CA', '--out', 'back.pem'])).code, EXIT.OK);
  t.is(readFileSync(path.join(dir, 'back.pem'), 'utf8'), readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
  t.is(statSync(path.join(dir, 'back.pem')).mode & 0o777, 0o644, 'a certificate is public');
  t.is((await run(['certs', 'delete', '--fid', 'C800', '--pin-env', 'P'])).code, EXIT.REFUSED, 'needs --yes');
  const d = await run(['certs', 'delete', '--fid', 'C800', '--yes', '--pin-env', 'P']);
  t.is(d.code, EXIT.OK, d.stderr);
  t.is(d.stdout, 'deleted "Probe CA" (CA00, C800): CA00, C800\n');
  t.false(sim.state.files.has(0xca00) || sim.state.files.has(0xc800));
  const gone = await run(['certs', 'export', '--fid', 'CA00', '--out', '-']);
  t.is(gone.code, EXIT.FAILED);
  t.regex(gone.stderr, /no X\.509 certificate in CA00/);
  t.is((await run(['certs', 'export', '--fid', 'CC01', '--out', '-'])).code, EXIT.USAGE);
});
