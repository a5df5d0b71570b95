// README's key-import runbook runs as written, against the real executable, through the real pcscd:
// two fresh simulated SmartCard-HSMs served in the two vpcd readers, OpenSC confined to them. It makes
// a key offline with OpenSSL, imports it into both devices with one command, and both sign through
// OpenSC's PKCS#11 module with signatures the certificate verifies.
import test from 'ava';
import { execFile } from 'node:child_process';
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
  const locks = await lockAllPorts(VPCD_PORTS, `readme-import pid ${process.pid}`, LOCK_WAIT_MS);
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

test('the key-import runbook runs as written through pcscd: one PKCS#12 key in two HSMs, both sign through PKCS#11', async (t) => {
  t.timeout(900_000);
  if (!(await requirePcscd(t))) return;
  const block = /<!-- import-runbook:begin -->\n```sh\n([\s\S]*?)```\n<!-- import-runbook:end -->/.exec(readme)?.[1];
  if (block === undefined) return t.fail('README has no import runbook block');
  t.is(VPCD_PORTS[0], VPCD.PORT);
  const pkg = await buildPackage();
  const bin = mkdtempSync(path.join(tmpdir(), 'schsm-readme-bin-'));
  symlinkSync(path.join(pkg, 'bin', 'schsm.js'), path.join(bin, 'schsm'));
  const work = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-readme-import-')), 'work');
  mkdirSync(work);
  await withTwoDevices(async ([a, b]) => {
    const env = { ...(await openscOnly([a, b])), PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', HSM_A: a, HSM_B: b };
    const { code, out } = await bash(block, work, env);
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
});
