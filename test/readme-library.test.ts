// The README's library guide (issue 13): its four programs are extracted from README.md as printed,
// type-checked with the project's compiler settings, and run: the provisioning script on a simulated
// card kept in a file, the signing service under concurrent requests (signatures verified by
// node:crypto with the JWK the provisioning printed), the CI test recording and then replaying, and
// the removal watcher through pcscd with the virtual card pulled out and put back.
import test from 'ava';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSimulator } from '../src/sim/persist.ts';
import { SmartCardHsmSimulator } from '../src/sim/sc-hsm.ts';
import { serveVpcd, vpcdReaderName } from '../src/sim/vpcd.ts';
import { ROOT } from './helpers/package-build.ts';
import { LOCK_WAIT_MS, lockAnyPort } from './helpers/vpcd-lock.ts';
import { requirePcscd, VPCD_PORTS, waitForReader } from './helpers/vpcd.ts';

const PIN = '648219';
const SO_PIN = '3537363231383830';
const NAMES = ['provision', 'service', 'ci', 'removal'] as const;

/** The ```ts blocks of README's "Library guide" section, in order. */
function guideBlocks(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Library guide');
  const end = readme.indexOf('\n## ', start);
  return [...readme.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

const dir = mkdtempSync(path.join(tmpdir(), 'schsm-readme-lib-'));
symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
const files = guideBlocks().map((code, i) => {
  const file = path.join(dir, `${NAMES[i] ?? `extra${i}`}.ts`);
  writeFileSync(
    file,
    code
      .replaceAll("from 'schsm'", `from ${JSON.stringify(path.relative(dir, path.join(ROOT, 'src', 'index.ts')))}`)
      .replace(
        /from 'schsm\/(\w+)'/g,
        (_, entry: string) => `from ${JSON.stringify(path.relative(dir, path.join(ROOT, 'src', entry, 'index.ts')))}`,
      ),
  );
  return file;
});
const state = path.join(dir, 'card.json');
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...extra });

function run(args: readonly string[], extra: Record<string, string>): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd: dir, env: env(extra), timeout: 300_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: `${stdout}${stderr}`, stdout }),
    );
  });
}

/** A long-running example: its output so far, and a wait for a line. */
function start(
  file: string,
  extra: Record<string, string>,
): { child: ChildProcess; output: () => string; waitFor: (re: RegExp) => Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: dir, env: env(extra) });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (re: RegExp): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!re.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${re} in the output of ${path.basename(file)}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output: () => out, waitFor };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

function post(port: number, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, method: 'POST', path: '/' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test.serial('the guide has the four programs, and they type-check', async (t) => {
  t.is(files.length, 4);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { types: ['node'] },
      include: [],
      files: [...files.map((f) => path.basename(f)), path.join(ROOT, 'src', 'sim', 'sockopt.d.ts')],
    }),
  );
  const r = await run([path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {});
  t.is(r.code, 0, r.out);
});

let jwk: Record<string, unknown> | undefined;

test.serial('provisioning: a new device gets its key and says its public key; an initialised one is refused', async (t) => {
  const r = await run(['--import', 'tsx', files[0] as string], { CARD: `sim:${state}`, PIN, SO_PIN });
  t.is(r.code, 0, r.out);
  const printed = JSON.parse(r.stdout) as { key: number; alg: string; jwk: Record<string, unknown>; serial: string };
  t.is(printed.key, 1);
  t.is(printed.alg, 'ES256');
  t.is(printed.jwk.crv, 'P-256');
  jwk = printed.jwk;
  t.is(statSync(state).mode & 0o777, 0o600);
  const again = await run(['--import', 'tsx', files[0] as string], { CARD: `sim:${state}`, PIN, SO_PIN });
  t.not(again.code, 0);
  t.regex(again.out, /is initialised already \(serial \S+\): not erasing it/);
  const noPin = await run(['--import', 'tsx', files[0] as string], { CARD: 'sim' });
  t.regex(noPin.out, /set PIN/);
});

test.serial('the signing service answers concurrent requests; every signature verifies with the JWK', async (t) => {
  if (jwk === undefined) return t.fail('provisioning did not run');
  const publicKey = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const port = await freePort();
  const service = start(files[1] as string, { CARD: `sim:${state}`, PIN, KEY: '1', PORT: String(port) });
  try {
    await service.waitFor(/listening/);
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.from(`request ${i}: ${'x'.repeat(i * 100)}`));
    const answers = await Promise.all(bodies.map((b) => post(port, b)));
    answers.forEach((a, i) => {
      t.is(a.status, 200, a.text);
      const { alg, signature } = JSON.parse(a.text) as { alg: string; signature: string };
      t.is(alg, 'ES256');
      const sig = Buffer.from(signature, 'base64url');
      t.is(sig.length, 64);
      t.true(verify('sha256', bodies[i] as Buffer, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig), `request ${i}`);
    });
    t.is((await post(port, Buffer.alloc((1 << 20) + 1))).status, 413, 'a body over 1 MiB is refused');
  } finally {
    service.child.kill('SIGTERM');
  }
  t.is(await exited(service.child), 0, service.output());
});

test.serial('the CI test records once, then replays strictly without a card', async (t) => {
  const trace = path.join(dir, 'keys.trace');
  const recorded = await run(['--import', 'tsx', '--test', files[2] as string], { CARD: `sim:${state}`, PIN, TRACE: trace });
  t.is(recorded.code, 0, recorded.out);
  t.is(statSync(trace).mode & 0o777, 0o600);
  const text = readFileSync(trace, 'utf8');
  t.false(text.includes('36 34 38 32 31 39'), 'the PIN is masked in the trace');
  const replayed = await run(['--import', 'tsx', '--test', files[2] as string], { PIN, TRACE: trace });
  t.is(replayed.code, 0, replayed.out);
  t.regex(replayed.out, /# pass 1/);
  // strict: a session that sends something else fails against the same trace
  writeFileSync(trace, text.replace(/=> 00 20 00 81 06 (\.\. ){5}\.\./, '=> 00 20 00 82 06 .. .. .. .. .. ..'));
  const changed = await run(['--import', 'tsx', '--test', files[2] as string], { PIN, TRACE: trace });
  t.not(changed.code, 0);
  t.regex(changed.out, /TraceMismatchError|does not match/);
});

test.serial('reacting to card removal through pcscd: pulled out, put back, resumed', async (t) => {
  if (!(await requirePcscd(t))) return;
  const card = (await loadSimulator(state)) ?? new SmartCardHsmSimulator(); // the provisioned card, or a new one when run alone
  const lock = await lockAnyPort(VPCD_PORTS, `readme-library pid ${process.pid}`, LOCK_WAIT_MS);
  const reader = vpcdReaderName(lock.port);
  let vpcd = serveVpcd(card, { port: lock.port });
  try {
    await waitForReader(reader, (r) => r.cardPresent, 30_000, 'the card');
    const watcher = start(files[3] as string, { CARD: reader });
    try {
      await watcher.waitFor(new RegExp(`watching ${reader}`));
      await vpcd.close();
      await watcher.waitFor(/card removed: waiting for it/);
      vpcd = serveVpcd(card, { port: lock.port });
      await watcher.waitFor(/card back: \S+/);
    } finally {
      watcher.child.kill('SIGTERM');
    }
    t.is(await exited(watcher.child), 0, watcher.output());
  } finally {
    await vpcd.close();
    await waitForReader(reader, (r) => !r.cardPresent, 10_000, 'the card removed').catch(() => undefined);
    await lock.release();
  }
});
