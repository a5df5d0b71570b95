// README's metadata-signing runbook (issue 12) runs as written, against the real executable, through
// the real pcscd: two fresh simulated SmartCard-HSMs in the two vpcd readers, OpenSC confined to them.
// An RSA-3072 key generated on A gets a self-signed certificate from the card, is backed up, verified
// offline, restored onto B with its certificate, and both sign through OpenSC's PKCS#11 module with
// signatures OpenSSL verifies with the certificate.
import test from 'ava';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmartCardHsmSimulator } from '../src/sim/index.ts';
import { serveVpcd, VPCD, type VpcdEvent } from '../src/sim/vpcd.ts';
import { openscOnly } from './helpers/opensc-conf.ts';
import { buildPackage, ROOT } from './helpers/package-build.ts';
import { showsSecret } from './helpers/secrets.ts';
import { LOCK_WAIT_MS, lockAllPorts } from './helpers/vpcd-lock.ts';
import { requirePcscd, VPCD_PORTS, waitForReader } from './helpers/vpcd.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 900_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, out: `${stdout}${stderr}` });
    });
  });
}

/** Serve two fresh simulators in both vpcd readers (both port locks held) while `fn` runs. */
async function withTwoDevices<T>(fn: (readers: [string, string]) => Promise<T>): Promise<T> {
  const locks = await lockAllPorts(VPCD_PORTS, `readme-metadata pid ${process.pid}`, LOCK_WAIT_MS);
  const served = VPCD_PORTS.map((port) => {
    const events: VpcdEvent[] = [];
    return { handle: serveVpcd(new SmartCardHsmSimulator(), { port, onEvent: (e) => events.push(e) }), events };
  });
  try {
    const names = served.map((s) => s.handle.readerName) as [string, string];
    for (const name of names) await waitForReader(name, (r) => r.cardPresent, 20_000, 'the simulated device');
    return await fn(names);
  } finally {
    for (const s of served) await s.handle.close();
    for (const lock of [...locks].reverse()) await lock.release();
  }
}

test('the metadata-signing runbook runs as written through pcscd: key on A, self-signed, backed up, restored on B, both sign', async (t) => {
  t.timeout(900_000);
  if (!(await requirePcscd(t))) return;
  const block = /<!-- metadata-runbook:begin -->\n```sh\n([\s\S]*?)```\n<!-- metadata-runbook:end -->/.exec(readme)?.[1];
  if (block === undefined) return t.fail('README has no metadata runbook block');
  t.is(VPCD_PORTS[0], VPCD.PORT);
  const pkg = await buildPackage();
  const bin = mkdtempSync(path.join(tmpdir(), 'schsm-readme-bin-'));
  symlinkSync(path.join(pkg, 'bin', 'schsm.js'), path.join(bin, 'schsm'));
  const work = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-readme-metadata-')), 'work');
  mkdirSync(work);
  await withTwoDevices(async ([a, b]) => {
    const env = { ...(await openscOnly([a, b])), PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', HSM_A: a, HSM_B: b };
    const { code, out } = await bash(block, work, env);
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
    t.regex(
      execFileSync('openssl', ['verify', '-CAfile', path.join(work, 'signer.crt'), path.join(work, 'signer.crt')]).toString(),
      /: OK/,
    );
    const kcvs = new Set([...out.matchAll(/DKEK key check value : ([0-9A-F]{16})/g)].map((m) => m[1]));
    t.is(kcvs.size, 1, 'both devices got the same DKEK');
    for (const secret of ['753159', '0102030405060708', 'Custodian-1-pass', 'Custodian-2-pass'])
      t.false(showsSecret(out.replace(/--pin "\$PIN"/g, ''), secret), `${secret} never printed`);
  });
});
