// `schsm keys request` and `schsm keys self-sign` against the simulator: the DER is built by schsm and
// signed on the card; OpenSSL (an independent verifier) must accept every result: `openssl req -verify`
// for requests, `openssl verify -CAfile` for self-signed certificates, on every curve the card
// supports and with RSA PKCS#1 v1.5 and PSS. What the certificates say is read back by `openssl x509`.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CURVE_NAMES } from '../../../src/card/curves.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, newSim, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN };

function ossl(args: string[]): { code: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function setup() {
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  const run = (argv: string[]) => runOn(sim, argv, { env, cwd: dir });
  return { sim, dir, run, f: (n: string) => path.join(dir, n) };
}

test('ECDSA on every supported curve: requests pass openssl req -verify, self-signed certificates openssl verify', async (t) => {
  const { dir, run, f } = await setup();
  for (const [i, curve] of CURVE_NAMES.entries()) {
    const ref = i + 1;
    t.is((await run(['keys', 'generate', '--type', `ec:${curve}`, '--pin-env', 'P'])).code, EXIT.OK, curve);
    const req = await run([
      'keys',
      'request',
      '--ref',
      String(ref),
      '--subject',
      `CN=${curve}, O=Example`,
      '--san',
      'DNS:hsm.example.org',
      '--out',
      `${curve}.csr`,
      '--pin-env',
      'P',
    ]);
    t.is(req.code, EXIT.OK, req.stderr);
    assertNoSecrets(t, req, [USER_PIN]);
    const v = ossl(['req', '-in', f(`${curve}.csr`), '-verify', '-noout', '-text']);
    t.is(v.code, 0, `${curve}: ${v.out}`);
    t.regex(v.out, /verify OK/i, curve);
    t.regex(v.out, new RegExp(`Subject: CN ?= ?${curve}, O ?= ?Example`), curve);
    t.regex(v.out, /DNS:hsm\.example\.org/, curve);
    const hash = curve.includes('384') ? 'SHA384' : curve.includes('512') || curve.includes('521') ? 'SHA512' : 'SHA256';
    t.regex(v.out, new RegExp(`Signature Algorithm: ecdsa-with-${hash}`), curve);
    const ss = await run([
      'keys',
      'self-sign',
      '--ref',
      String(ref),
      '--subject',
      `CN=${curve}`,
      '--days',
      '30',
      '--out',
      `${curve}.pem`,
      '--pin-env',
      'P',
    ]);
    t.is(ss.code, EXIT.OK, ss.stderr);
    const ok = ossl(['verify', '-CAfile', f(`${curve}.pem`), f(`${curve}.pem`)]);
    t.is(ok.code, 0, `${curve}: ${ok.out}`);
    const pub = await run(['keys', 'export-pub', '--ref', String(ref)]);
    t.is(
      ossl(['x509', '-in', f(`${curve}.pem`), '-pubkey', '-noout']).out,
      pub.stdout,
      `${curve}: the certificate holds the key's public key`,
    );
  }
  const list = JSON.parse((await run(['certs', 'list', '--json'])).stdout) as { ref: number; subject: string }[];
  t.deepEqual(
    list.map((c) => c.subject),
    CURVE_NAMES.map((c) => `CN=${c}`),
    'each certificate is stored with its key',
  );
  t.truthy(dir);
});

test('RSA: PKCS#1 v1.5 and PSS, a 10-year CA certificate with key usage and SAN; stored in CExx, replaced only with --replace', async (t) => {
  const { sim, run, f } = await setup();
  t.is((await run(['keys', 'generate', '--type', 'rsa:2048', '--label', 'signer', '--pin-env', 'P'])).code, EXIT.OK);
  const req = await run([
    'keys',
    'request',
    '--ref',
    '1',
    '--subject',
    '/O=Example Federation/CN=Metadata signer',
    '--alg',
    'RSA-PSS-SHA384',
    '--out',
    'r.csr',
    '--pin-env',
    'P',
  ]);
  t.is(req.code, EXIT.OK, req.stderr);
  const v = ossl(['req', '-in', f('r.csr'), '-verify', '-noout', '-text']);
  t.is(v.code, 0, v.out);
  t.regex(v.out, /Signature Algorithm: rsassaPss[\s\S]*Hash Algorithm: sha384[\s\S]*Salt Length: 0x30/);
  t.regex(v.out, /Subject: O ?= ?Example Federation, CN ?= ?Metadata signer/);
  const ss = await run([
    'keys',
    'self-sign',
    '--ref',
    '1',
    '--subject',
    'CN=Metadata signer, O=Example Federation',
    '--days',
    '3650',
    '--ca',
    '--san',
    'URI:https://md.example.org/',
    '--san',
    'IP:192.0.2.1',
    '--san',
    'email:ops@example.org',
    '--pin-env',
    'P',
  ]);
  t.is(ss.code, EXIT.OK, ss.stderr);
  t.regex(ss.stdout, /^self-signed certificate "CN=Metadata signer, O=Example Federation", valid .* to .*: stored with key 1 in CE01\n$/);
  writeFileSync(f('ce01.der'), sim.state.files.get(0xce01) ?? new Uint8Array());
  const text = ossl(['x509', '-inform', 'DER', '-in', f('ce01.der'), '-noout', '-text', '-dates']);
  t.regex(text.out, /Signature Algorithm: sha256WithRSAEncryption/);
  t.regex(text.out, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
  t.regex(text.out, /X509v3 Key Usage: critical\n\s+Digital Signature, Certificate Sign, CRL Sign/);
  t.regex(text.out, /URI:https:\/\/md\.example\.org\/, IP Address:192\.0\.2\.1, email:ops@example\.org/);
  t.regex(text.out, /X509v3 Subject Key Identifier/);
  const dates = /notBefore=(.*)\nnotAfter=(.*)/.exec(text.out);
  t.is((Date.parse(dates?.[2] ?? '') - Date.parse(dates?.[1] ?? '')) / 86_400_000, 3650);
  t.is(ossl(['x509', '-inform', 'DER', '-in', f('ce01.der'), '-out', f('ce01.pem')]).code, 0);
  t.is(ossl(['verify', '-CAfile', f('ce01.pem'), f('ce01.pem')]).code, 0);
  const again = await run(['keys', 'self-sign', '--ref', '1', '--subject', 'CN=x', '--pin-env', 'P']);
  t.is(again.code, EXIT.REFUSED);
  t.regex(again.stderr, /key 1 already has an X\.509 certificate/);
  const pss = await run([
    'keys',
    'self-sign',
    '--ref',
    '1',
    '--subject',
    'CN=pss',
    '--alg',
    'RSA-PSS-SHA256',
    '--key-usage',
    'digitalSignature,nonRepudiation',
    '--no-store',
    '--out',
    'pss.pem',
    '--pin-env',
    'P',
  ]);
  t.is(pss.code, EXIT.OK, pss.stderr);
  t.is(ossl(['verify', '-CAfile', f('pss.pem'), f('pss.pem')]).code, 0);
  t.regex(ossl(['x509', '-in', f('pss.pem'), '-noout', '-text']).out, /rsassaPss[\s\S]*Digital Signature, Non Repudiation/);
  t.deepEqual(Buffer.from(sim.state.files.get(0xce01) ?? []), readFileSync(f('ce01.der')), '--no-store left CE01 alone');
  const replaced = await run(['keys', 'self-sign', '--ref', '1', '--subject', 'CN=new', '--replace', '--out', '-', '--pin-env', 'P']);
  t.is(replaced.code, EXIT.OK, replaced.stderr);
  t.regex(replaced.stdout, /^-----BEGIN CERTIFICATE-----\n/);
});

test('bad input is refused before the card signs: subject, SAN, --alg, key usage, no public key, existing --out', async (t) => {
  const { run } = await setup();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  const base = ['keys', 'request', '--ref', '1', '--out', 'x.csr', '--pin-env', 'P'];
  t.is((await run([...base, '--subject', 'nonsense'])).code, EXIT.USAGE);
  t.is((await run([...base, '--subject', 'C=Germany'])).code, EXIT.USAGE);
  t.is((await run([...base, '--subject', 'CN=x', '--san', 'FTP:x'])).code, EXIT.USAGE);
  t.is((await run([...base, '--subject', 'CN=x', '--alg', 'SHA256-RSA-PKCS'])).code, EXIT.USAGE);
  t.is((await run([...base, '--subject', 'CN=x', '--alg', 'ECDSA-SHA1'])).code, EXIT.USAGE);
  t.is(
    (await run(['keys', 'self-sign', '--ref', '1', '--subject', 'CN=x', '--key-usage', 'everything', '--pin-env', 'P'])).code,
    EXIT.USAGE,
  );
  t.is((await run(['keys', 'self-sign', '--ref', '1', '--subject', 'CN=x', '--no-store', '--pin-env', 'P'])).code, EXIT.USAGE);
  t.is(
    (await run(['keys', 'request', '--ref', '2', '--subject', 'CN=x', '--out', 'y.csr', '--pin-env', 'P'])).code,
    EXIT.FAILED,
    'no key 2',
  );
  t.is((await run([...base, '--subject', 'CN=x'])).code, EXIT.OK);
  const j = await run([
    'keys',
    'self-sign',
    '--ref',
    '1',
    '--subject',
    'CN=json',
    '--no-store',
    '--out',
    'j.pem',
    '--json',
    '--pin-env',
    'P',
  ]);
  t.is(j.code, EXIT.OK, j.stderr);
  t.like(JSON.parse(j.stdout), { ref: 1, subject: 'CN=json', ca: false, stored: null, out: 'j.pem' });
  const rq = await run(['keys', 'request', '--ref', '1', '--subject', 'CN=json', '--out', '-', '--json', '--pin-env', 'P']);
  t.like(JSON.parse(rq.stdout), { ref: 1, subject: 'CN=json', algorithm: 'ecdsa-sha256', out: null });
  t.is((await run([...base, '--subject', 'CN=x'])).code, EXIT.REFUSED, 'never overwritten without --force');
});
