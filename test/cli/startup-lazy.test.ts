// What the CLI's start no longer pays for (issue 11 item 3), checked on the built executable: node:crypto
// is loaded at its first use only (scripts/build.mjs, LAZY_BUILTINS), so a SELECT on the simulator never
// loads it, while a GET CHALLENGE (random bytes) loads it and works; and yargs, given only the command the
// first word names, still refuses that command's unknown options and suggests a mistyped command.
import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage, runNode as run } from '../helpers/package-build.ts';
import { requirePcscd } from '../helpers/vpcd.ts';

/** A preload file with this source, in a temporary directory of its own. */
function preload(source: string): { file: string; done: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-probe-'));
  const file = path.join(dir, 'probe.cjs');
  writeFileSync(file, `${source}\n`);
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A preload that prints, at exit, the node: built-ins the process required (CommonJS loader). */
const builtinsProbe = (): { file: string; done: () => void } =>
  preload(
    `const M = require('node:module'); const load = M._load; const seen = new Set();
M._load = function (request, ...rest) { if (/^(node:)?crypto$/.test(request)) seen.add('node:crypto'); return load.call(this, request, ...rest); };
const compile = M.prototype._compile;
M.prototype._compile = function (content, filename) { if (/[\\/]node_modules[\\/]bindings[\\/]/.test(filename)) seen.add('bindings'); return compile.call(this, content, filename); };
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) { if (/pcsclite.node$/.test(filename)) seen.add('pcsclite.node'); return dlopen.call(this, module, filename, ...rest); };
process.on('exit', () => require('node:fs').writeSync(2, '\\nPROBE ' + JSON.stringify([...seen]) + '\\n'));`,
  );

/** A preload that prints, at exit, what bin/schsm.js gave vm.Script: the code cache's length and hash, and whether V8 took it. */
const cacheProbe = (): { file: string; done: () => void } =>
  preload(
    `const vm = require('node:vm'); const seen = [];
vm.Script = class extends vm.Script {
  constructor(source, options) {
    super(source, options);
    const c = options && options.cachedData;
    seen.push({ filename: options && options.filename, sourceLength: source.length, cacheLength: c ? c.length : -1,
      cacheSha256: c ? require('node:crypto').createHash('sha256').update(c).digest('hex') : '', rejected: this.cachedDataRejected });
  }
};
process.on('exit', () => require('node:fs').writeSync(2, '\\nCACHE ' + JSON.stringify(seen) + '\\n'));`,
  );

/** The built executable, run with this preload: `schsm ARGV…` (more runs through the returned `again`). */
async function probed(t: ExecutionContext, probe: { file: string; done: () => void }, argv: readonly string[]) {
  t.teardown(probe.done);
  const dir = await buildPackage();
  const again = (words: readonly string[]) => run(['-r', probe.file, 'bin/schsm.js', ...words], dir);
  return { dir, again, r: await again(argv) };
}

const loaded = (stderr: string): string[] => JSON.parse(/^PROBE (.*)$/m.exec(stderr)?.[1] ?? 'null') as string[];

test('apdu --sim: a SELECT loads no node:crypto; GET CHALLENGE loads it at its first use and gets 8 bytes (hidden)', async (t) => {
  t.timeout(180_000);
  const { r: select, again } = await probed(t, builtinsProbe(), ['apdu', '--sim', '00A40400:E82B0601040181C31F0201/00']);
  t.is(select.code, 0, select.stderr);
  t.regex(select.stdout, /\| 90 00 /);
  t.deepEqual(loaded(select.stderr), [], 'node:crypto was not loaded');
  const challenge = await again(['apdu', '--sim', '00A40400:E82B0601040181C31F0201/00', '0084000008']);
  t.is(challenge.code, 0, challenge.stderr);
  t.regex(challenge.stdout, /<= (?:\.\. ){8}\| 90 00 /, 'eight bytes (card random, hidden by default) and 9000');
  t.deepEqual(loaded(challenge.stderr), ['node:crypto'], 'node:crypto loaded when first used');
});

test("readers through pcscd: pcsclite's addon is loaded without the `bindings` package searching for it", async (t) => {
  t.timeout(180_000);
  if (!(await requirePcscd(t))) return;
  const { r } = await probed(t, builtinsProbe(), ['readers']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Virtual PCD 00 0[01]/);
  t.deepEqual(loaded(r.stderr), ['pcsclite.node'], 'the addon, and neither node:crypto nor the bindings package');
});

test('one command registered: its unknown option is still refused, a typo still suggests, help still lists all', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const unknown = await run(['bin/schsm.js', 'readers', '--frobnicate'], dir);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /Unknown argument: frobnicate/);
  const typo = await run(['bin/schsm.js', 'kyes', 'list'], dir);
  t.is(typo.code, 2);
  t.regex(typo.stderr, /keys/);
  const sub = await run(['bin/schsm.js', 'keys', 'lst'], dir);
  t.is(sub.code, 2);
  t.regex(sub.stderr, /list/);
  const help = await run(['bin/schsm.js', 'readers', '--json', '--help'], dir);
  t.is(help.code, 0, help.stderr);
  t.regex(help.stdout, /schsm readers/);
});

test('bin/schsm.js gives V8 the whole code cache (read into the pages the bundle was read into) and V8 takes it', async (t) => {
  t.timeout(180_000);
  const { r, dir } = await probed(t, cacheProbe(), ['apdu', '--sim', '00A40400:E82B0601040181C31F0201/00']);
  t.is(r.code, 0, r.stderr);
  const seen = JSON.parse(/^CACHE (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as {
    filename: string;
    sourceLength: number;
    cacheLength: number;
    cacheSha256: string;
    rejected: boolean | undefined;
  }[];
  t.is(seen.length, 1, 'one script: the bundle');
  const bundle = path.join(dir, 'dist', 'bundle', 'schsm.cjs');
  const cache = readFileSync(`${bundle}.cache`);
  t.is(seen[0]?.filename, bundle);
  t.is(seen[0]?.sourceLength, statSync(bundle).size, 'the whole bundle as one-byte text');
  t.is(seen[0]?.cacheLength, cache.length);
  t.is(
    seen[0]?.cacheSha256,
    createHash('sha256').update(cache).digest('hex'),
    'the bytes of schsm.cjs.cache, no byte of the bundle left in it',
  );
  t.is(seen[0]?.rejected, false, 'V8 used the cache');
});
