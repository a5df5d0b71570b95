// Issue 13 item 11: what a TypeScript user of the package needs. The .d.ts files use
// `Uint8Array<ArrayBuffer>` (generic typed arrays arrived in TypeScript 5.7; 5.6.3 fails with TS2315
// "Type 'Uint8Array' is not generic", checked by hand with typescript@5.6.3 and 5.7.3), so package.json
// states the minimum as an optional peer dependency and README says it; the declarations compile in a
// consumer with skipLibCheck off. The source maps carry the sources, since src/ is not shipped.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/package-build.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const MINIMUM = '5.7';

function run(args: readonly string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd, timeout: 600_000, maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: `${stdout}${stderr}` });
    });
  });
}

test('package.json and README state the minimum TypeScript version', (t) => {
  t.is(pkg.peerDependencies?.typescript, `>=${MINIMUM}`);
  t.true(pkg.peerDependenciesMeta?.typescript?.optional, 'optional: JavaScript users need no TypeScript');
  t.regex(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), new RegExp(`TypeScript ≥ ${MINIMUM.replace('.', '\\.')}`));
  const installed = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
  const [major, minor] = installed.split('.').map(Number) as [number, number];
  t.true(major > 5 || (major === 5 && minor >= 7), `the project's own TypeScript ${installed} is at least the stated minimum`);
});

test('the declarations compile in a consumer with skipLibCheck off', async (t) => {
  t.timeout(900_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-types-'));
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const emit = await run([tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', path.join(dir, 'dist')], ROOT);
  t.is(emit.code, 0, emit.out);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(
    path.join(dir, 'consumer.ts'),
    [
      "import { createSigner, openTransport, SmartCardHsm, watchCards, type CardEvent } from './dist/index.js';",
      'export async function main(): Promise<CardEvent | undefined> {',
      "  await using card = await SmartCardHsm.open(await openTransport('sim'));",
      '  const signer = await createSigner(card, 1);',
      '  const signature: Uint8Array = await signer.sign(new Uint8Array(8));',
      '  console.log(signer.jwsAlgorithm, signature.length);',
      '  await using monitor = await watchCards();',
      '  return monitor.next(undefined, 10);',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['consumer.ts'],
    }),
  );
  const check = await run([tsc, '-p', '.'], dir);
  t.is(check.code, 0, check.out);
});

test('the source maps of the built library carry their TypeScript sources', async (t) => {
  const { build } = (await import(path.join(ROOT, 'scripts', 'build.mjs'))) as {
    build: (o: { outdir: string }) => Promise<unknown>;
  };
  const outdir = mkdtempSync(path.join(tmpdir(), 'schsm-maps-'));
  await build({ outdir });
  const maps = readdirSync(outdir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js.map') && !f.startsWith('bundle'));
  t.true(maps.length > 100, `${maps.length} maps`);
  for (const f of maps) {
    const map = JSON.parse(readFileSync(path.join(outdir, f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    if (map.sources.length === 0) continue; // a module of types only: no code, nothing to map
    const source = f.replace(/\.js\.map$/, '.ts');
    t.true(map.sources[0]?.endsWith(`src/${source}`), `${f} maps ${map.sources[0]}`);
    t.is(map.sourcesContent?.[0], readFileSync(path.join(ROOT, 'src', source), 'utf8'), f);
  }
});
