// Issue 13 item 9: the `schsm` entry loads only what it needs (no simulator, traces, CLI or yargs),
// and a program using the library, bundled with esbuild into one ES module, runs (the `debug` and
// `@solana/buffer-layout` packages, CommonJS requiring node's `tty` and `buffer`, made such a bundle
// fail with `Dynamic require of "tty" is not supported`).
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function node(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd: ROOT, timeout: 300_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
}

async function loaded(entry: string): Promise<string[]> {
  const r = await node(['--import', 'tsx', 'test/helpers/module-count.mjs', entry]);
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { files: string[] }).files.map((u) => path.relative(ROOT, fileURLToPath(u)));
}

test('import of schsm loads the session and its operations only: no simulator, traces, CLI, explorer or CommonJS logging packages', async (t) => {
  t.timeout(300_000);
  const files = await loaded('./src/index.ts');
  const low = await loaded('./src/apdu-entry.ts');
  t.log(`schsm: ${files.length} modules; schsm/apdu: ${low.length}`);
  // 120 before key domains, certificates, the pcscd-socket transport, openTransport, watchCards and createSigner joined the entry
  t.true(files.length <= 140, `${files.length} modules (the flat entry loaded 227)`);
  t.true(files.length < low.length, 'the high-level entry loads less than the whole low-level driver');
  for (const layer of ['src/sim/', 'src/trace/', 'src/cli/', 'src/explorer/'])
    t.deepEqual(
      files.filter((f) => f.startsWith(layer)),
      [],
      layer,
    );
  t.deepEqual(
    files.filter((f) => f.includes('node_modules')),
    [],
    'no package at all (yargs, debug, buffer-layout)',
  );
});

test('a program using schsm and schsm/sim, bundled by esbuild into one ES module, runs: it signs on a simulated card', async (t) => {
  t.timeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-bundle-'));
  const program = path.join(dir, 'program.ts');
  writeFileSync(
    program,
    `import { verify } from 'node:crypto';
import { SmartCardHsm, initializeDevice, verifyPin, generateKey, signMessage } from ${JSON.stringify(path.join(ROOT, 'src/index.ts'))};
import { createSimulatorTransport } from ${JSON.stringify(path.join(ROOT, 'src/sim/index.ts'))};
const card = await SmartCardHsm.open(await createSimulatorTransport());
await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219' });
await verifyPin(card, { pin: '648219' });
const key = await generateKey(card, { type: 'ec:P-256' });
const message = new TextEncoder().encode('bundled');
const signature = await signMessage(card, key.ref, 'ECDSA-SHA256', message);
console.log(verify('sha256', message, key.publicKey, signature) ? 'signature verifies' : 'BAD SIGNATURE');
await card.close();
`,
  );
  const out = path.join(dir, 'program.mjs');
  const result = await build({
    entryPoints: [program],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['pcsclite', 'sockopt'], // native add-ons, loaded only when a reader is used
    logLevel: 'silent',
  });
  t.deepEqual(result.errors, []);
  const run = await node([out]);
  t.is(run.stderr, '');
  t.is(run.code, 0);
  t.is(run.stdout.trim(), 'signature verifies');
});
