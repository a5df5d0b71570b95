// The README's "PKA with two devices" runbook runs as written, against the real executable and the
// real pcscd, with two simulated SmartCard-HSMs in the two vpcd readers (HSM and CUSTODIAN).
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmartCardHsmSimulator } from '../src/sim/index.ts';
import { buildPackage, ROOT } from './helpers/package-build.ts';
import { showsSecret } from './helpers/secrets.ts';
import { requirePcscd, withTwoVirtualCards } from './helpers/vpcd.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, out: `${stdout}${stderr}` });
    });
  });
}

test.serial(
  'the PKA runbook runs as written through pcscd: export, register, status, auth, and a signature in the authenticated session',
  async (t) => {
    t.timeout(600_000);
    const block = /<!-- pka:begin -->\n```sh\n([\s\S]*?)```\n<!-- pka:end -->/.exec(readme)?.[1];
    if (block === undefined) return t.fail('README has no PKA runbook block');
    if (!(await requirePcscd(t))) return;
    const pkg = await buildPackage();
    const bin = mkdtempSync(path.join(tmpdir(), 'schsm-readme-bin-'));
    symlinkSync(path.join(pkg, 'bin', 'schsm.js'), path.join(bin, 'schsm'));
    const work = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-readme-pka-')), 'work');
    mkdirSync(work);
    const hsm = new SmartCardHsmSimulator();
    const custodian = new SmartCardHsmSimulator();
    await withTwoVirtualCards(hsm, custodian, async (a, b) => {
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', HSM: a.readerName, CUSTODIAN: b.readerName };
      const { code, out } = await bash(block, work, env);
      t.is(code, 0, out);
      t.regex(out, /registered key UTSM\d{7}00001 of device UTSM\d{7}00000 \(issuer UTDICASIM00001, old layout\)/);
      t.regex(out, /Public key authentication: 1 public key\(s\) \(all registered\), 1 must authenticate, 0 authenticated/);
      t.regex(
        out,
        /\(key 1 on Virtual PCD 00 0\d\): authenticated — 1 public key\(s\) \(all registered\), 1 must authenticate, 1 authenticated/,
      );
      t.regex(out, /this session is logged in/);
      t.regex(out, /generated key 1: EC prime256v1 "made under PKA"/);
      t.regex(out, /ECDSA-SHA256 signature by key 1 \(\d+ bytes\), verified with the key's public key/);
      for (const secret of ['648219', '3537363231383830']) t.false(showsSecret(out, secret), `${secret} never printed`);
    });
    t.is(hsm.state.pka?.keys.length, 1);
  },
);
