#!/usr/bin/env node
// The runtime build, with esbuild (~1.5 s on the 2-core development machine; tsc took 30-60 s):
// `npm run build`, `prepare` (so `npm ci` and `npm install` leave a working CLI), `npm start` and
// `npm run bench` (both with --if-stale). tsc only type-checks (`npm run typecheck`) and writes the
// .d.ts files (`--types`, run by `prepack`).
//
//   node scripts/build.mjs [--outdir DIR] [--if-stale] [--types]
//
// It writes two things into DIR (default dist/):
//  - the library, one .js per src/*.ts as tsc laid it out (dist/index.js is the package's export;
//    benches and workers import dist/<layer>/<file>.js);
//  - the CLI bundle, dist/bundle/: the whole CLI in one CommonJS file, schsm.cjs, with a V8 code cache
//    made after a warm-up run (bin/schsm.js compiles it with the cache), the help of every command
//    rendered ahead (help/), the worker entries, and `string-width` replaced by src/cli/text-width.ts
//    (WHY: issue 11 item 3, buildCliScript below and that file's comment).
// --if-stale skips the build when DIR/.build-stamp holds the hash of every input (src/, this script,
// package.json, package-lock.json, the esbuild version): "rebuild only what changed" at the cost of
// hashing ~2 MB of sources (~0.1 s), where a rebuild costs ~1.5 s.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SRC = path.join(ROOT, 'src');
const STAMP = '.build-stamp';
/** Native or optional packages: loaded from node_modules at run time, never bundled. */
const EXTERNAL = ['pcsclite', 'sockopt'];
/** Source files of the bundle allowed to use import.meta, and why that still works from dist/bundle/. */
const IMPORT_META_OK = new Map([
  ['sim/vpcd.ts', 'its link thread, ./vpcd-worker.js, is emitted beside the chunks'],
  ['transport/pcsc-socket.ts', 'its worker process, ./pcsc-worker.js, is emitted beside the chunks'],
  ['transport/pcsc-binding.ts', 'it only resolves the pcsclite package, found from dist/bundle/ as from dist/transport/'],
]);

function sourceFiles(dir = SRC) {
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && statSync(f).isFile())
    .sort();
}

/** Hash of everything the output depends on. */
export function inputHash() {
  const h = createHash('sha256');
  h.update(`esbuild ${JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('esbuild/package.json')), 'utf8')).version}\n`);
  const files = [...sourceFiles(), fileURLToPath(import.meta.url), path.join(ROOT, 'package.json'), path.join(ROOT, 'package-lock.json')];
  for (const f of files) {
    h.update(`${path.relative(ROOT, f)}\n`);
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

/** One output file per source file: every import stays an import, `./x.ts` becomes `./x.js`. */
const oneToOne = {
  name: 'one-to-one',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/^(\.\.?\/.*)\.ts$/, '$1.js'), external: true };
    });
  },
};

/**
 * Edits to yargs' files (and its wrap-ansi) as the bundle takes them in (each `from` must be found, or the build fails:
 * a new yargs version is then looked at again, not silently left unpatched).
 *
 * lib/platform-shims/esm.mjs places itself by import.meta.url, which in the bundle is a chunk's URL:
 * its locale files (a copy of yargs' English strings is put in dist/bundle/yargs/locales below) and
 * the directory where it looks for a package.json (for a version we give it anyway; unpatched it
 * would list the user's working directory and every parent): dist/bundle/package.json, written below.
 * The bundle so reads nothing outside the package, whatever the install layout. Its `assert` import is
 * made lazy: yargs uses it only for two internal invariant checks, and loading node:assert (with its
 * AssertionError, colours and call tracker) was ~4 ms of every start; the same assert functions still
 * throw the same AssertionError when a check fails. Its `stdColumns` (the terminal width, read only
 * when no wrap is set, and schsm sets one) becomes a getter: reading process.stdout at load made the
 * stream, and loaded Node's ~20 stream modules, for commands that write to a pipe or file without it.
 *
 * build/lib/usage.js: when a command's handler starts, yargs renders that command's help and keeps it
 * (cacheHelpMessage) for a showHelp()/getHelp() or a failure message printed after the handler; schsm
 * calls neither (main.ts passes a parse callback and every handler catches its own errors), so it was
 * a whole help rendering (cliui, ~4% of `schsm apdu --sim`) for nothing: it is not made.
 *
 * ansi-styles (wrap-ansi's, for the help's colours): its table of styles is assembled when first read,
 * not when the bundle loads (~0.5 ms of every start that renders no help): the module exports a stand-in
 * that assembles the same object at its first property read and answers every read from it.
 *
 * build/lib/argsert.js: every yargs method checks its own arguments against a signature string such as
 * '<string|array> [object]', which it parsed again at each call (parseCommand: splits and regular
 * expressions, ~1.7 ms of every start with its two dozen .option() calls). Parsed once per signature
 * now; the check is the same (the parsed signature is only read).
 *
 * yargs' English strings (locales/en.json) are given to y18n from the bundle (esm.mjs, y18n's index.js):
 * y18n read and parsed the file at its first string, the group heading of the first positional of
 * every command. A string with no arguments is returned as it is instead of going through util.format,
 * which returns a lone format string unchanged, "%%" included (its first call cost ~0.35 ms). Together
 * ~0.8 ms of every start. Another locale is still read from dist/bundle/yargs/locales as before.
 *
 * build/lib/yargs-factory.js: getInternalMethods() made a new object of 16 bound methods at each call,
 * and yargs calls it per option during validation (~1.6 ms and 150 KB of every start). Made once per
 * yargs instance now: each bound method reads the instance's fields when called, so one object serves.
 */
/**
 * Source text of an object that stands in for the object `get()` returns (a function named in the
 * code it goes into): every read, `in`, key listing and property descriptor is answered from
 * `get()`'s object, so the object is made at the first of them. The CLI bundle's lazy built-ins and
 * ansi-styles' table use it.
 */
function standIn(get) {
  return (
    `new Proxy({},{get:(_,k)=>${get}()[k],has:(_,k)=>k in ${get}(),ownKeys:()=>Reflect.ownKeys(${get}()),` +
    `getOwnPropertyDescriptor:(_,k)=>{const d=Object.getOwnPropertyDescriptor(${get}(),k);if(d)d.configurable=true;return d}})`
  );
}

const PATCHES = [
  {
    file: /[/\\]yargs[/\\]lib[/\\]platform-shims[/\\]esm\.mjs$/,
    patches: [
      [
        'const __dirname = fileURLToPath(import.meta.url);',
        "const __dirname = fileURLToPath(new URL('./yargs/lib/platform-shims/esm.mjs', import.meta.url));",
      ],
      [
        "const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));",
        "const mainFilename = fileURLToPath(new URL('./package.json', import.meta.url));",
      ],
      ["import { notStrictEqual, strictEqual } from 'assert'\n", ''],
      ["import y18n from 'y18n'\n", "import y18n from 'y18n'\nimport schsmEnglish from '../../locales/en.json'\n"],
      ['    updateFiles: false\n  })', '    updateFiles: false,\n    schsmStrings: { en: schsmEnglish }\n  })'],
      [
        "    stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null\n",
        "    get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null }\n",
      ],
      [
        '    notStrictEqual,\n    strictEqual\n',
        // node:assert's strictEqual/notStrictEqual compare with Object.is
        "    notStrictEqual: (a, e, m) => { if (Object.is(a, e)) require('node:assert').notStrictEqual(a, e, m) },\n" +
          "    strictEqual: (a, e, m) => { if (!Object.is(a, e)) require('node:assert').strictEqual(a, e, m) }\n",
      ],
    ],
  },
  {
    file: /[/\\]yargs[/\\]build[/\\]lib[/\\]usage\.js$/,
    patches: [['        cachedHelpMessage = this.help();\n', '']],
  },
  {
    file: /[/\\]ansi-styles[/\\]index\.js$/,
    patches: [
      [
        'const ansiStyles = assembleStyles();\n',
        `let assembled;\nconst assembledStyles = () => (assembled ??= assembleStyles());\nconst ansiStyles = ${standIn('assembledStyles')};\n`,
      ],
    ],
  },
  {
    file: /[/\\]y18n[/\\]build[/\\]lib[/\\]index\.js$/,
    patches: [
      [
        '        this.cache = Object.create(null);\n',
        '        this.cache = Object.create(null);\n        for (const [locale, strings] of Object.entries(opts.schsmStrings ?? {})) this.cache[locale] = { ...strings };\n',
      ],
      [
        '        return shim.format.apply(shim.format, [this.cache[this.locale][str] || str].concat(args));\n',
        '        const schsmText = this.cache[this.locale][str] || str;\n        if (args.length === 0) return schsmText;\n' +
          '        return shim.format.apply(shim.format, [schsmText].concat(args));\n',
      ],
    ],
  },
  {
    file: /[/\\]yargs[/\\]build[/\\]lib[/\\]argsert\.js$/,
    patches: [
      ['const positionName = [', 'const parsedSignatures = new Map();\nconst positionName = ['],
      [
        `                parseCommand(\`cmd \${arg1}\`),\n`,
        `                parsedSignatures.get(arg1) ?? parsedSignatures.set(arg1, parseCommand(\`cmd \${arg1}\`)).get(arg1),\n`,
      ],
    ],
  },
  {
    file: /[/\\]yargs[/\\]build[/\\]lib[/\\]yargs-factory\.js$/,
    patches: [
      ['export function YargsFactory(_shim) {', 'const internalMethodsOf = new WeakMap();\nexport function YargsFactory(_shim) {'],
      [
        '    getInternalMethods() {\n        return {\n',
        '    getInternalMethods() {\n        let methods = internalMethodsOf.get(this);\n        if (methods === undefined) internalMethodsOf.set(this, (methods = {\n',
      ],
      [
        '            setHasOutput: this[kSetHasOutput].bind(this),\n        };\n    }\n',
        '            setHasOutput: this[kSetHasOutput].bind(this),\n        }));\n        return methods;\n    }\n',
      ],
    ],
  },
  {
    // cliui's wrap-ansi, for every cell of the help: after wrapping, a loop over each code point carries
    // colours and links across line breaks; it only acts at an ESC or CSI (its ESCAPES), so text without
    // one comes out as it went in. Skipping the loop then: ~5% of `schsm --help` (issue 11 item 3).
    file: /[/\\]wrap-ansi[/\\]index\.js$/,
    patches: [
      [
        "\tconst preString = rows.join('\\n');\n",
        "\tconst preString = rows.join('\\n');\n\tif (!/[\\u001B\\u009B]/.test(preString)) {\n\t\treturn preString;\n\t}\n",
      ],
    ],
  },
];

export const yargsPatches = {
  name: 'yargs-patches',
  setup(b) {
    for (const { file, patches } of PATCHES)
      b.onLoad({ filter: file }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        for (const [from, to] of patches) {
          if (!text.includes(from)) throw new Error(`${args.path}: the package changed (no "${from.trim()}"); revisit scripts/build.mjs`);
          text = text.replace(from, to);
        }
        return { contents: text, loader: 'js' };
      });
  },
};

/** A bundled module that finds files relative to itself would look in dist/bundle/: refuse it. */
const importMetaGuard = {
  name: 'import-meta-guard',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = path.relative(SRC, args.path).split(path.sep).join('/');
      const text = readFileSync(args.path, 'utf8');
      if (/\bimport\.meta\b/.test(text) && !IMPORT_META_OK.has(rel))
        throw new Error(
          `src/${rel} uses import.meta: in the CLI bundle it is dist/bundle/'s URL. Resolve the file another way, or list it in IMPORT_META_OK (scripts/build.mjs) saying why it works`,
        );
      return undefined;
    });
  },
};

function removeStale(outdir, written) {
  for (const f of readdirSync(outdir, { recursive: true }).map((x) => path.join(outdir, String(x)))) {
    if (/\.js(\.map)?$/.test(f) && !f.startsWith(path.join(outdir, 'bundle') + path.sep) && !written.has(f) && statSync(f).isFile())
      unlinkSync(f);
  }
}

const common = {
  absWorkingDir: ROOT,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // The maps carry the TypeScript sources (src/ is not in the package): a debugger or a bundler's
  // source-map loader shows the original code from the installed package alone.
  sourcesContent: true,
  logLevel: 'warning',
  tsconfig: path.join(ROOT, 'tsconfig.json'),
};

/** esbuild's API, loaded only when there is something to build (--if-stale on a fresh tree costs a hash). */
const esbuild = () => import('esbuild');

async function buildLibrary(outdir) {
  const r = await (await esbuild()).build({
    ...common,
    entryPoints: sourceFiles(),
    outbase: SRC,
    outdir,
    bundle: true,
    metafile: true,
    plugins: [oneToOne],
  });
  removeStale(outdir, new Set(Object.keys(r.metafile.outputs).map((f) => path.resolve(ROOT, f))));
}

/** The parameters of the function dist/bundle/schsm.cjs is (bin/schsm.js calls it with these). */
const CJS_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__schsm_import_meta_url'];
/** The code cache's warm-up: what `schsm apdu --sim …` runs (yargs, the APDU layer, the simulator, the annotator). */
const WARM_UP = ['apdu', '--sim', '00A40400:E82B0601040181C31F0201/00'];

/**
 * dist/bundle/: the CLI (schsm.cjs and its code cache, help/) and the two worker entries
 * (vpcd-worker.js, pcsc-worker.js, ES modules with chunks of their own).
 */
async function buildCli(outdir) {
  const dir = path.join(outdir, 'bundle');
  rmSync(dir, { recursive: true, force: true });
  await (await esbuild()).build({
    ...common,
    entryPoints: [
      { in: path.join(SRC, 'sim', 'vpcd-worker.ts'), out: 'vpcd-worker' },
      { in: path.join(SRC, 'transport', 'pcsc-worker.ts'), out: 'pcsc-worker' },
    ],
    outdir: dir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    external: EXTERNAL,
    alias: { 'string-width': path.join(SRC, 'cli', 'text-width.ts') },
    // Bundled CommonJS packages (debug) call require() for node built-ins. Made on first use: a
    // createRequire per chunk would run for each of the chunks a worker loads.
    banner: {
      js: "import { createRequire as __schsmCreateRequire } from 'node:module'; let __schsmRequire; const require = (id) => (__schsmRequire ??= __schsmCreateRequire(import.meta.url))(id);",
    },
    plugins: [yargsPatches, importMetaGuard],
  });
  const locales = path.join(dir, 'yargs', 'locales');
  mkdirSync(locales, { recursive: true });
  cpSync(path.join(path.dirname(fileURLToPath(import.meta.resolve('yargs'))), 'locales', 'en.json'), path.join(locales, 'en.json'));
  const pkg = { private: true, type: 'module', description: "schsm's CLI bundle, built by scripts/build.mjs" };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const cli = await buildCliScript(dir);
  await writeHelpSnapshots(dir, cli);
}

/**
 * Node built-ins that the CLI bundle loads on first use instead of when a module that imports them is
 * initialised: node:crypto costs ~5 ms to load (it loads Node's stream modules too), and `readers`,
 * `apdu --reader`, `apdu --sim` with a SELECT, the trace tools and the help never call it, although
 * modules on their path import it (issue 11 item 3).
 */
const LAZY_BUILTINS = ['node:crypto'];

/**
 * `require("node:crypto")` in the bundle becomes a stand-in that requires the module at the first
 * property read. esbuild's CommonJS output reads every named import as a property of that object at
 * its use (`import_node_crypto.createHash(…)`), so nothing else changes; a namespace import
 * (`__toESM`) would list its keys at once and load it then, which is still correct.
 */
function lazyBuiltins(text) {
  const prologue = `var __schsmLazy=(id)=>{let m;const o=()=>(m??=require(id));return ${standIn('o')}};`;
  let out = text;
  for (const id of LAZY_BUILTINS) {
    const call = `require(${JSON.stringify(id)})`;
    if (!out.includes(call)) throw new Error(`dist/bundle/schsm.cjs: no ${call} to make lazy: update LAZY_BUILTINS in scripts/build.mjs`);
    out = out.replaceAll(call, `__schsmLazy(${JSON.stringify(id)})`);
  }
  const strict = '"use strict";';
  // after the directive, which must stay the first statement of the function body
  return out.startsWith(strict) ? `${strict}${prologue}${out.slice(strict.length)}` : `${prologue}${out}`;
}

/**
 * dist/bundle/schsm.cjs: the CLI in one CommonJS file, which bin/schsm.js compiles through vm.Script
 * with V8's code cache, schsm.cjs.cache, made here after a warm-up run (WARM_UP), so that the functions
 * a command runs are not parsed and compiled again at every start (Node 20 has no
 * module.enableCompileCache, and no code cache for ES modules). One file, not chunks: each module file
 * cost ~0.9 ms to load. Command logic still runs only when its command does (esbuild keeps each
 * `await import()` a lazily initialised module), and pcsclite is still required only when PC/SC is used.
 * The file is one function expression of CJS_PARAMS (import.meta.url is the last one: the workers and
 * yargs' locale are found beside it); the cache belongs to exactly this text, and a V8 of another
 * version or other flags rejects it (bin/schsm.js then compiles as usual).
 */
async function buildCliScript(dir) {
  const file = path.join(dir, 'schsm.cjs');
  const r = await (await esbuild()).build({
    ...common,
    format: 'cjs',
    entryPoints: [path.join(SRC, 'cli', 'bin.ts')],
    outfile: file,
    write: false,
    bundle: true,
    // a source map would be as large again; stack traces keep the names (no minified identifiers)
    sourcemap: false,
    // less text for V8 to read and hash at every start
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    external: EXTERNAL,
    alias: { 'string-width': path.join(SRC, 'cli', 'text-width.ts') },
    define: { 'import.meta.url': '__schsm_import_meta_url' },
    // vpcd.ts and pcsc-socket.ts use import.meta.resolve only when run from .ts sources (tsx)
    logOverride: { 'empty-import-meta': 'silent' },
    plugins: [yargsPatches, importMetaGuard],
  });
  const source = `(function (${CJS_PARAMS.join(', ')}) {${lazyBuiltins(r.outputFiles[0].text)}\n})`;
  // bin/schsm.js reads it as latin1 (a one-byte string, the fastest to read, hash and keep): esbuild
  // escapes other characters in strings, but not in a regular expression literal (write \u00b5 there)
  const at = source.search(/[^\x00-\x7f]/);
  if (at >= 0)
    throw new Error(
      `dist/bundle/schsm.cjs: a character beyond ASCII in the CLI bundle (${JSON.stringify(source.slice(at - 60, at + 20))}): escape it in the source`,
    );
  writeFileSync(file, source);
  const vm = await import('node:vm');
  const { createRequire } = await import('node:module');
  const script = new vm.Script(source, { filename: file, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dir, pathToFileURL(file).href);
  const cli = mod.exports;
  let out = '';
  const capture = { value: (t) => (out += t), enumerable: true, configurable: true };
  const ctx = Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(cli.defaultContext()), stdout: capture, stderr: capture });
  const code = await cli.runCli(WARM_UP, ctx);
  if (code !== 0) throw new Error(`code cache warm-up: schsm ${WARM_UP.join(' ')} failed (exit ${code}):\n${out}`);
  writeFileSync(`${file}.cache`, script.createCachedData());
  return cli;
}

/**
 * dist/bundle/help/WIDTH/: the help of every command, rendered by the CLI bundle itself, which
 * bin/schsm.js prints without loading the bundle (src/cli/help-snapshot.ts says when): index.json maps
 * each command line (JSON of its words) to N, N.txt is the text (one small file per text: reading and
 * parsing all of them, 360 KB, cost more than the rest of the fast path).
 */
async function writeHelpSnapshots(dir, { helpSnapshot, SNAPSHOT_WIDTHS }) {
  for (const width of SNAPSHOT_WIDTHS) {
    const snapshot = await helpSnapshot(width);
    if (snapshot.argv['["--help"]'] === undefined) throw new Error('help snapshot: `schsm --help` did not render');
    const wdir = path.join(dir, 'help', String(width));
    mkdirSync(wdir, { recursive: true });
    writeFileSync(path.join(wdir, 'index.json'), JSON.stringify({ width, argv: snapshot.argv }));
    for (const [i, text] of snapshot.texts.entries()) writeFileSync(path.join(wdir, `${i}.txt`), text);
  }
}

/** .d.ts files for the package's `types`, from tsc (slow: only for `prepack`). */
function buildTypes(outdir) {
  for (const f of readdirSync(outdir, { recursive: true }).map((x) => path.join(outdir, String(x)))) if (f.endsWith('.d.ts')) unlinkSync(f);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outdir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export async function build({ outdir = path.join(ROOT, 'dist'), ifStale = false, types = false } = {}) {
  const hash = inputHash();
  const stampFile = path.join(outdir, STAMP);
  let fresh = false;
  try {
    fresh = readFileSync(stampFile, 'utf8').trim() === hash;
  } catch {}
  if (!(ifStale && fresh)) {
    mkdirSync(outdir, { recursive: true });
    rmSync(stampFile, { force: true });
    await Promise.all([buildLibrary(outdir), buildCli(outdir)]);
    writeFileSync(stampFile, `${hash}\n`);
  }
  if (types) buildTypes(outdir);
  return { built: !(ifStale && fresh) };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  const outdir = at >= 0 ? path.resolve(args[at + 1] ?? '') : undefined;
  const t0 = performance.now();
  const { built } = await build({
    ...(outdir === undefined ? {} : { outdir }),
    ifStale: args.includes('--if-stale'),
    types: args.includes('--types'),
  });
  if (built && !args.includes('--quiet')) console.error(`schsm: built dist/ in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
