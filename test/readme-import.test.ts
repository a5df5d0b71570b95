// README's key-import runbook runs as written, against the real executable, through the real pcscd:
// two fresh simulated SmartCard-HSMs served in the two vpcd readers, OpenSC confined to them. It makes
// a key offline with OpenSSL, imports it into both devices with one command, and both sign through
// OpenSC's PKCS#11 module with signatures the certificate verifies.
import test from 'ava';
import { VPCD } from '../src/sim/vpcd.ts';
import { readmeBlock, runTwoDeviceRunbook } from './helpers/readme-runbook.ts';
import { showsSecret } from './helpers/secrets.ts';
import { requirePcscd, VPCD_PORTS } from './helpers/vpcd.ts';

test('the key-import runbook runs as written through pcscd: one PKCS#12 key in two HSMs, both sign through PKCS#11', async (t) => {
  t.timeout(900_000);
  if (!(await requirePcscd(t))) return;
  const block = readmeBlock('import-runbook');
  if (block === undefined) return t.fail('README has no import runbook block');
  t.is(VPCD_PORTS[0], VPCD.PORT);
  const {
    code,
    out,
    readers: [a, b],
  } = await runTwoDeviceRunbook('readme-import', block);
  t.is(code, 0, out);
  t.regex(out, new RegExp(`device 1 of 2: SmartCard-HSM UTSM\\d{7} in ${a}\\ndevice 2 of 2: SmartCard-HSM UTSM\\d{7} in ${b}`));
  t.regex(out, /^Label +: "metadata signer"$/m);
  t.regex(out, /^Certificate +: O=Example Federation, CN=Metadata signer \(stored in CExx with the key\)$/m);
  const proofs = [...out.matchAll(/: key 1 imported; key check: SHA256-RSA-PKCS signature over a random challenge verifies$/gm)];
  t.is(proofs.length, 2, 'proven on both devices');
  t.is([...out.matchAll(/^Verified OK$/gm)].length, 2, 'both PKCS#11 signatures verify with the certificate');
  const kcvs = new Set([...out.matchAll(/DKEK key check value : ([0-9A-F]{16})/g)].map((m) => m[1]));
  t.is(kcvs.size, 1, 'both devices got the same DKEK');
  t.regex(out, new RegExp(`^DKEK KCV +: ${[...kcvs][0]} \\(the shares match every device\\)$`, 'm'));
  for (const secret of ['753159', '0102030405060708', 'Custodian-1-pass', 'Custodian-2-pass', 'Offline-p12-pass'])
    t.false(showsSecret(out.replace(/--pin "\$PIN"/g, ''), secret), `${secret} never printed`);
});
