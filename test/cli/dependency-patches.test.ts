// The CLI bundle edits yargs and its helpers as it takes them in (scripts/build.mjs, PATCHES: start-up
// time, issue 11 item 3). Each edit must leave behaviour as it was. The oracle is the unedited
// packages: the same program is bundled twice, with and without the edits, and both bundles must
// give the same output for help, usage errors, wrapped coloured text and translated strings.
import test from 'ava';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
// @ts-expect-error: the build script is JavaScript without type declarations
import { yargsPatches } from '../../scripts/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the program below reports; the same for the edited and the unedited packages. */
interface Report {
  readonly yargs: readonly { readonly argv: readonly string[]; readonly output: string; readonly error: string | undefined }[];
  readonly wrapped: readonly string[];
  readonly warnings: readonly string[];
  readonly strings: readonly string[];
  readonly styles: { readonly red: readonly string[]; readonly codes: number; readonly hasModifier: boolean };
}

const PROGRAM = `
import yargs from 'yargs';
import wrapAnsi from 'wrap-ansi';
import ansiStyles from 'ansi-styles';
import y18n from 'y18n';

const LINES = [
  ['--help'],
  ['send', '--help'],
  ['send'],
  ['send', 'AA', '--frobnicate'],
  ['send', 'AA', '--count', 'x'],
  ['sned', 'AA'],
  ['send', 'AA', 'BB', '--count', '2', '-v', '-v'],
  [],
  ['send', 'AA', '--extra8', '--help'],
];

// a new yargs instance per line, each named after its line: an edit that mixed up instances shows
async function run(argv, n) {
  let output = '';
  let error;
  const y = yargs()
    .scriptName('prog' + n)
    .locale('en')
    .option('verbose', { alias: 'v', type: 'count', description: 'say more' })
    .option('reader', { alias: 'r', type: 'string', description: 'where' })
    .option('extra' + n, { type: 'boolean', description: 'known to this instance only' })
    .command('send <apdus..>', 'send things', (b) =>
      b.positional('apdus', { type: 'string', array: true, description: 'what' }).option('count', { type: 'number', requiresArg: true }),
    )
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .wrap(80)
    .exitProcess(false);
  await new Promise((resolve) =>
    y.parse(argv, {}, (err, parsed, out) => {
      output = out;
      error = err?.message;
      resolve();
    }),
  );
  return { argv, output, error };
}

export async function report() {
  // yargs checks the arguments of its own methods and only warns when they are wrong (argsert)
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(' ').split('\\n')[0]);
  const yargsRuns = [];
  try {
    for (const [n, argv] of LINES.entries()) yargsRuns.push(await run(argv, n));
    yargs().option('x', 5); // a wrong argument: the check must still see it
  } finally {
    console.warn = warn;
  }
  const coloured = '\\u001b[31mred words that wrap across the line\\u001b[39m and \\u001b[1mbold\\u001b[22m \\u001b]8;;https://example.org\\u0007link text here\\u001b]8;;\\u0007';
  const wrapped = [5, 10, 17].flatMap((w) => [wrapAnsi(coloured, w), wrapAnsi(coloured, w, { hard: true }), wrapAnsi('plain text only', w)]);
  const t = y18n({ directory: LOCALES, updateFiles: false, locale: 'en' });
  const strings = [
    t.__('Positionals:'),
    t.__('100%% sure'),
    t.__('%s of %s', 1, 2),
    t.__('Unknown argument: %s', 'x'),
    t.__n('Unknown argument: %s', 'Unknown arguments: %s', 2, 'x, y'),
    t.__('no such string here'),
  ];
  const styles = { red: [ansiStyles.red.open, ansiStyles.red.close], codes: ansiStyles.codes.size, hasModifier: 'modifier' in ansiStyles };
  return { yargs: yargsRuns, warnings, wrapped, strings, styles };
}
`;

async function bundled(dir: string, name: string, patched: boolean): Promise<Report> {
  const out = path.join(dir, `${name}.mjs`);
  const locales = path.join(root, 'node_modules', 'yargs', 'locales');
  await esbuild.build({
    stdin: { contents: PROGRAM, resolveDir: root, loader: 'js', sourcefile: `${name}.mjs` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
    define: { LOCALES: JSON.stringify(locales) },
    // the bundled yargs finds its shims and locales beside the bundle (scripts/build.mjs does the same)
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: patched ? [yargsPatches] : [],
  });
  return ((await import(pathToFileURL(out).href)) as { report: () => Promise<Report> }).report();
}

test('the edits to yargs, y18n, wrap-ansi and ansi-styles change no output: help, usage errors, wrapping, strings', async (t) => {
  t.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-patches-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // the edited esm shim looks for the locales and a package.json beside the bundle, as in dist/bundle/
  cpSync(path.join(root, 'node_modules', 'yargs', 'locales'), path.join(dir, 'yargs', 'locales'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  const plain = await bundled(dir, 'plain', false);
  const edited = await bundled(dir, 'edited', true);
  t.deepEqual(edited, plain);
  // the runs said something: a real help, a real refusal, real colours
  t.regex(plain.yargs[0]?.output ?? '', /send <apdus\.\.>/);
  t.regex(plain.yargs[3]?.error ?? '', /Unknown argument: frobnicate/);
  t.regex(plain.yargs[2]?.error ?? '', /Not enough non-option arguments: got 0, need at least 1/);
  t.is(plain.warnings.length, 1, plain.warnings.join('\n'));
  t.regex(plain.warnings[0] ?? '', /Invalid second argument\. Expected object but received number/);
  t.is(plain.strings[1], '100%% sure', 'a lone format string comes back unchanged');
  t.is(plain.strings[2], '1 of 2');
  t.deepEqual(plain.styles.red, ['\u001b[31m', '\u001b[39m']);
  t.true(
    plain.wrapped.some((w) => w.includes('\u001b[39m\n')),
    'a colour is closed at a line break and opened again',
  );
});
