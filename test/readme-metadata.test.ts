// README's metadata-signing runbook (issue 12) runs as written, against the real executable, through
// the real pcscd: two fresh simulated SmartCard-HSMs in the two vpcd readers, OpenSC confined to them.
// An RSA-3072 key generated on A gets a self-signed certificate from the card, is backed up, verified
// offline, restored onto B with its certificate, and both sign through OpenSC's PKCS#11 module with
// signatures OpenSSL verifies with the certificate.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VPCD } from '../src/sim/vpcd.ts';
import { readmeBlock, runTwoDeviceRunbook } from './helpers/readme-runbook.ts';
import { showsSecret } from './helpers/secrets.ts';
import { requirePcscd, VPCD_PORTS } from './helpers/vpcd.ts';

test('the metadata-signing runbook runs as written through pcscd: key on A, self-signed, backed up, restored on B, both sign', async (t) => {
  t.timeout(900_000);
  if (!(await requirePcscd(t))) return;
  const block = readmeBlock('metadata-runbook');
  if (block === undefined) return t.fail('README has no metadata runbook block');
  t.is(VPCD_PORTS[0], VPCD.PORT);
  const { code, out, work } = await runTwoDeviceRunbook('readme-metadata', block);
  t.is(code, 0, out);
  t.regex(
    out,
    /self-signed certificate "CN=Metadata signer, O=Example Federation", valid .* GMT to .* GMT: stored with key 1 in CE01, written to signer\.crt/,
  );
  t.regex(out, /^Result +: VERIFIED$/m, 'the backup verifies offline');
  t.regex(out, /^Certificate +: .*Metadata signer.*$/m, 'the backup holds the certificate');
  t.is([...out.matchAll(/^Verified OK$/gm)].length, 2, 'both PKCS#11 signatures verify with the certificate');
  const text = readFileSync(path.join(work, 'signer.crt'), 'utf8');
  t.regex(text, /^-----BEGIN CERTIFICATE-----\n/);
  const dates = /notBefore=(.*)\nnotAfter=(.*)/.exec(
    execFileSync('openssl', ['x509', '-in', path.join(work, 'signer.crt'), '-noout', '-dates']).toString(),
  );
  t.is((Date.parse(dates?.[2] ?? '') - Date.parse(dates?.[1] ?? '')) / 86_400_000, 3650, 'valid 10 years (3650 days)');
  t.regex(execFileSync('openssl', ['verify', '-CAfile', path.join(work, 'signer.crt'), path.join(work, 'signer.crt')]).toString(), /: OK/);
  const kcvs = new Set([...out.matchAll(/DKEK key check value : ([0-9A-F]{16})/g)].map((m) => m[1]));
  t.is(kcvs.size, 1, 'both devices got the same DKEK');
  for (const secret of ['753159', '0102030405060708', 'Custodian-1-pass', 'Custodian-2-pass'])
    t.false(showsSecret(out.replace(/--pin "\$PIN"/g, ''), secret), `${secret} never printed`);
});
