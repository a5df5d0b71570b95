// Issue 11 items 1 and 2 from a fresh clone: the tracked files copied into an empty directory, then
// the real `npm ci` (offline, from npm's cache, which the CI's own `npm ci` has just filled) on a
// machine where native code cannot be compiled (CC/CXX are `false`: the PC/SC binding fails to build,
// as without libpcsclite's headers), then the CLI. And the packed package as `npm install -g`
// installs it, man page included.
import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/package-build.ts';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly stdout: string;
}

function run(cmd: string, args: readonly string[], cwd: string, options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      [...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: 600_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, out: `${stdout}${stderr}`, stdout }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** The files of a fresh clone: what git tracks, plus new files not ignored (this work, uncommitted). */
async function freshClone(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-clone-'));
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  for (const f of listed.stdout.split('\0').filter((x) => x !== '' && existsSync(path.join(ROOT, x)))) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  return dir;
}

/** No compiler, so no PC/SC binding: its `node-gyp rebuild` fails, and npm leaves the optional package out. */
const NO_BINDING = { CC: '/bin/false', CXX: '/bin/false', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

const t0Files: string[] = [];
const installed = (async () => {
  const dir = await freshClone();
  t0Files.push(...readdirSync(dir));
  const ci = await run('npm', ['ci'], dir, { env: NO_BINDING });
  return { dir, ci };
})();

// serial: both use the one installed clone, and the second rebuilds it (a concurrent run of the first
// would see the bundle's chunks replaced under it)
test.serial('fresh clone, npm ci without a buildable PC/SC binding: npx schsm works at once; readers says what is missing', async (t) => {
  t.timeout(900_000);
  const { dir, ci } = await installed;
  t.false(t0Files.includes('dist') || t0Files.includes('node_modules'), 'the clone has no build and no packages');
  t.is(ci.code, 0, `npm ci failed (offline from npm's cache: run \`npm ci\` once online if the cache is empty):\n${ci.out}`);
  t.false(existsSync(path.join(dir, 'node_modules', 'pcsclite')), 'the binding was left out, as without libpcsclite headers');
  const help = await run('npx', ['schsm', '--help'], dir);
  t.is(help.code, 0, help.out);
  t.regex(help.stdout, /Usage: schsm <command> \[options\]/);
  t.notRegex(help.out, /ERR_MODULE_NOT_FOUND|at file:/);
  const apdu = await run('npx', ['schsm', 'apdu', '--sim', '00A40400:E82B0601040181C31F0201/00'], dir);
  t.is(apdu.code, 0, apdu.out);
  t.regex(apdu.stdout, /\| 90 00 {3}\(/);
  const readers = await run('npx', ['schsm', 'readers'], dir);
  t.is(readers.code, 3, readers.out);
  t.regex(readers.out, /pcsclite/i);
});

test.serial(
  'npm start on the built tree runs the explorer without building; after a source change it rebuilds, and the change shows',
  async (t) => {
    t.timeout(900_000);
    const { dir, ci } = await installed;
    if (ci.code !== 0) return t.fail(`npm ci failed: ${ci.out}`);
    const start = () => run('npm', ['start', '--silent', '--', '--sim', '--ephemeral'], dir, { input: 'echo ready\nquit\n' });
    const first = await start();
    t.is(first.code, 0, first.out);
    t.regex(first.stdout, /^ready$/m);
    t.notRegex(first.out, /schsm: built/, 'npm ci built it already');
    const command = path.join(dir, 'src', 'cli', 'commands', 'random', 'command.ts');
    writeFileSync(command, readFileSync(command, 'utf8').replace("random bytes from the card's RNG", 'FRESHLY EDITED random bytes'));
    const again = await start();
    t.regex(again.out, /schsm: built dist\/ in \d+\.\d\d s/, 'a changed source is rebuilt');
    t.regex(again.stdout, /^ready$/m);
    t.regex((await run('npx', ['schsm', '--help'], dir)).stdout, /FRESHLY EDITED random bytes/);
    const stamp = statSync(path.join(dir, 'dist', 'bundle', 'schsm.cjs')).mtimeMs;
    const third = await start();
    t.notRegex(third.out, /schsm: built/, 'nothing changed: nothing is built');
    t.is(statSync(path.join(dir, 'dist', 'bundle', 'schsm.cjs')).mtimeMs, stamp);
  },
);

test('the build refuses a bundled module that finds files relative to itself (import.meta), naming it', async (t) => {
  t.timeout(300_000);
  const dir = await freshClone();
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'src', 'cli', 'data-file.ts'), "export const DATA = new URL('./data.json', import.meta.url);\n");
  const bin = path.join(dir, 'src', 'cli', 'bin.ts');
  writeFileSync(bin, `${readFileSync(bin, 'utf8')}export { DATA } from './data-file.ts';\n`);
  const r = await run(process.execPath, ['scripts/build.mjs'], dir);
  t.not(r.code, 0);
  t.regex(r.out, /src\/cli\/data-file\.ts uses import\.meta: in the CLI bundle it is dist\/bundle\/'s URL/);
});

test('npm pack and npm install -g: the schsm command, the man page and the library types are installed', async (t) => {
  t.timeout(900_000);
  const { dir, ci } = await installed;
  if (ci.code !== 0) return t.fail(`npm ci failed: ${ci.out}`);
  const packed = await run('npm', ['pack', '--json'], dir);
  t.is(packed.code, 0, packed.out);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  for (const f of [
    'bin/schsm.js',
    'bin/package.json',
    'dist/bundle/schsm.cjs',
    'dist/bundle/schsm.cjs.cache',
    'dist/bundle/help/100/index.json',
    'dist/index.js',
    'dist/index.d.ts',
    'man/schsm.1',
  ])
    t.true(files.includes(f), f);
  t.false(
    files.some((f) => f.startsWith('src/') || f.startsWith('test/')),
    'sources and tests stay out',
  );
  // The tarball's contents installed globally. npm resolves a tarball's dependencies from registry
  // metadata, which an offline cache filled by `npm ci` lacks: the unpacked package gets the clone's
  // node_modules and is installed as a folder; --ignore-scripts because a tarball install runs no
  // prepare. npm links the bin and the man pages the same way for both.
  const unpacked = mkdtempSync(path.join(tmpdir(), 'schsm-unpacked-'));
  const tar = await run('tar', ['-xzf', path.join(dir, info.filename), '-C', unpacked], dir);
  t.is(tar.code, 0, tar.out);
  symlinkSync(path.join(dir, 'node_modules'), path.join(unpacked, 'package', 'node_modules'));
  const prefix = mkdtempSync(path.join(tmpdir(), 'schsm-global-'));
  const install = await run('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, path.join(unpacked, 'package')], dir, {
    env: NO_BINDING,
  });
  t.is(install.code, 0, install.out);
  t.true(existsSync(path.join(prefix, 'share', 'man', 'man1', 'schsm.1')), 'npm links the man page from package.json "man"');
  const man = await run('man', [path.join(prefix, 'share', 'man', 'man1', 'schsm.1')], dir, {
    env: { MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat' },
  });
  t.is(man.code, 0, man.out);
  t.regex(man.stdout, /SCHSM\(1\)[\s\S]*schsm keys generate/);
  const help = await run(path.join(prefix, 'bin', 'schsm'), ['help', 'keys', 'generate'], tmpdir());
  t.is(help.code, 0, help.out);
  t.regex(help.stdout, /^schsm keys generate( \[type\])?\n/);
});
