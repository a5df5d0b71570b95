// `certs list|import|export|delete`, `keys request|self-sign` and the X.509 view of `cat`/`info` inside
// the explorer (script mode, simulator): the same card functions as the CLI, the session's PIN state.
// Oracle: OpenSSL verifies what the card signed and wrote.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { toHex } from '../../src/apdu/hex.ts';
import { openssl } from '../helpers/openssl-keys.ts';
import { explore, initialisedSim, USER_PIN } from './helpers.ts';

const ok = (args: string[]): boolean => spawnSync('openssl', args).status === 0;

test('self-sign and request on the card; cat/info decode the certificate with its key match; CA import, export, delete', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [
    `verify user ${USER_PIN}`,
    'keys generate ec:prime256v1 --label signer',
    'keys self-sign 1 "CN=Signer, O=Example" --days 30 --out self.pem',
    'keys request 1 "/O=Example/CN=Signer" req.pem --san DNS:hsm.example.org',
    'cat CE01',
    'info CE01',
    'certs import self.pem --ca --label "Pinned self"',
    'cat CA00',
    'certs list',
    'certs export CA00 back.pem',
    'certs delete CA00 --yes',
    'certs list',
  ]);
  t.is(r.code, 0, r.stderr);
  const f = (n: string): string => path.join(r.cwd, n);
  t.true(ok(['verify', '-CAfile', f('self.pem'), f('self.pem')]), 'openssl verify accepts the self-signed certificate');
  t.true(ok(['req', '-in', f('req.pem'), '-verify', '-noout']), 'openssl req -verify accepts the request');
  t.regex(r.stdout, /self-signed "CN=Signer, O=Example" valid .* stored in CE01, written to self\.pem/);
  t.regex(r.stdout, /X\.509 certificate:\n {2}subject: +CN=Signer, O=Example\n {2}issuer: +CN=Signer, O=Example/);
  t.regex(r.stdout, /key match: +key 1 \(EC 256, type and size agree; ID is the one OpenSC derives from this public key\)/);
  t.regex(r.stdout, /key match: +the public key of key 1/, 'the CA copy is recognised as key 1’s');
  t.regex(r.stdout, /stored "CN=Signer, O=Example" as "Pinned self" CA00\/C800 \(CA\)/);
  t.regex(r.stdout, /"signer" CE01 {2}key 1 {2}CN=Signer, O=Example/);
  t.is(
    toHex(openssl(['x509', '-in', f('back.pem'), '-outform', 'DER'])),
    toHex(openssl(['x509', '-in', f('self.pem'), '-outform', 'DER'])),
  );
  t.regex(r.stdout, /deleted CA00, C800/);
  t.false(sim.state.files.has(0xca00));
});

test('a certificate of another key is refused in the explorer too', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [
    `verify user ${USER_PIN}`,
    'keys generate ec:prime256v1',
    'keys generate ec:prime256v1',
    'keys self-sign 2 CN=two --no-store --out two.pem',
    'certs import two.pem 1',
  ]);
  t.not(r.code, 0);
  t.regex(r.stderr, /the certificate does not belong to key 1/);
  t.false(sim.state.files.get(0xce01)?.[0] === 0x30, 'CE01 still holds the CV request');
});
