// README is part of the product: its two set-up commands are the ones CI uses, and its operator
// workflow block runs as written against the real executable. (Its command table is checked with the
// man page in test/docs.test.ts.)
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage, ROOT } from './helpers/package-build.ts';
import { showsSecret } from './helpers/secrets.ts';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('README names exactly two set-up commands, and .ci/run runs the same test command', (t) => {
  const setup = /## Set-up\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = setup
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/\s+#.*$/, ''));
  t.deepEqual(commands, ['npm ci && npm start', 'npm ci && npm test']);
  const ci = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  t.regex(ci, /^npm ci\b/m);
  t.regex(ci, /^npm test$/m);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.regex(pkg.scripts.start ?? '', /bin\/schsm\.js explore$/);
});

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeout: 600_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, out: `${stdout}${stderr}` });
    });
  });
}

test('the operator workflow block runs as written: custodians, keys, backup verified offline, restore, clone, fleet status', async (t) => {
  t.timeout(600_000);
  const block = /<!-- workflow:begin -->\n```sh\n([\s\S]*?)```\n<!-- workflow:end -->/.exec(readme)?.[1];
  if (block === undefined) return t.fail('README has no workflow block');
  const pkg = await buildPackage();
  const bin = mkdtempSync(path.join(tmpdir(), 'schsm-readme-bin-'));
  symlinkSync(path.join(pkg, 'bin', 'schsm.js'), path.join(bin, 'schsm'));
  const work = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-readme-')), 'work');
  mkdirSync(work);
  const { code, out } = await bash(block, work, { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' });
  t.is(code, 0, out);
  const kcvs = [...out.matchAll(/DKEK key check value : ([0-9A-F]{16})/g)].map((m) => m[1]);
  t.is(kcvs.length, 3, 'both imports and the final status report a complete DKEK');
  t.is(new Set(kcvs).size, 1, 'the same custodians give both devices the same DKEK');
  t.regex(out, /Shares KCV +: ([0-9A-F]{16}) \(match\)/);
  t.regex(out, /MAC +: valid/);
  t.regex(out, /Result +: VERIFIED/);
  t.regex(out, /key check: ECDSA-SHA256 signature over a random challenge verifies/);
  t.regex(out, /key 1: EC prime256v1 "signer" — already on the target/);
  t.regex(out, /key 2: RSA 2048 "tls" — copied: SHA256-RSA-PKCS signature over a random challenge: verified; public key equal/);
  t.regex(out, /Keys +: 2/);
  t.regex(out, /^Consistent: 2 device\(s\), same DKEK and the same 2 key\(s\) on each$/m);
  for (const secret of ['648219', '3537363231383830', 'Custodian-1-pass', 'Custodian-2-pass'])
    t.false(showsSecret(out, secret), `${secret} never printed`);
});
