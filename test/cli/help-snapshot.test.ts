// The help bin/schsm.js prints without loading the CLI bundle (issue 11 item 3): the files the build
// wrote must equal, byte for byte, what the sources render now through yargs (so they can never go
// stale), and bin/schsm.js must print them only where they apply, falling through to the normal path
// for everything else.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { helpCommandLines, renderCommandLine, SNAPSHOT_WIDTHS } from '../../src/cli/help-snapshot.ts';
import { buildPackage } from '../helpers/package-build.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd, env: { ...process.env, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : 128,
        stdout: String(stdout),
        stderr: String(stderr),
      });
    });
  });
}

/** The CLI bundle made unreadable (bin/schsm.js reads dist/bundle/schsm.cjs): whatever still works, works without it. */
const NO_BUNDLE_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import fs from 'node:fs';",
    'const read = fs.readFileSync;',
    "fs.readFileSync = function (f, ...rest) { if (String(f).endsWith('schsm.cjs')) throw new Error('no bundle (test hook)'); return read.call(this, f, ...rest); };",
    // bin/schsm.js opens and reads the bundle itself (readWhole), to read its code cache into the same buffer
    'const open = fs.openSync;',
    "fs.openSync = function (f, ...rest) { if (String(f).endsWith('schsm.cjs')) throw new Error('no bundle (test hook)'); return open.call(this, f, ...rest); };",
  ].join('\n'),
)}`;

/** stdout as wide as a terminal of `columns` (process.stdout.columns exists only on a terminal). */
const columnsHook = (columns: number): string =>
  `data:text/javascript,${encodeURIComponent(`Object.defineProperty(process.stdout, 'columns', { value: ${columns} });`)}`;

test('the pre-rendered help of every command equals the live render of the sources, at every width', async (t) => {
  t.timeout(600_000);
  const dir = await buildPackage();
  const lines = helpCommandLines();
  t.true(lines.length > 150, `${lines.length} command lines`);
  for (const width of SNAPSHOT_WIDTHS) {
    const wdir = path.join(dir, 'dist', 'bundle', 'help', String(width));
    const index = JSON.parse(readFileSync(path.join(wdir, 'index.json'), 'utf8')) as { width: number; argv: Record<string, number> };
    t.is(index.width, width);
    t.deepEqual(Object.keys(index.argv).sort(), lines.map((l) => JSON.stringify(l)).sort(), 'every help command line is rendered');
    const texts = readdirSync(wdir).filter((f) => f.endsWith('.txt'));
    t.is(texts.length, new Set(Object.values(index.argv)).size, 'no text left over');
    for (const l of lines) {
      const live = await renderCommandLine(l, width);
      t.is(live.code, 0, l.join(' '));
      t.is(live.stderr, '', l.join(' '));
      const file = readFileSync(path.join(wdir, `${index.argv[JSON.stringify(l)]}.txt`), 'utf8');
      if (file !== live.stdout) t.fail(`schsm ${l.join(' ')} at width ${width}: the pre-rendered help differs from the live one`);
    }
  }
  t.true(readFileSync(path.join(dir, 'dist', 'bundle', 'help', '100', '0.txt'), 'utf8').startsWith('schsm — SmartCard-HSM driver'));
  // the help has no colour and no terminal dependence other than the width
  for (const l of [['--help'], ['keys', 'list', '--help'], ['help', 'keys']]) {
    const plain = await renderCommandLine(l, 80);
    t.is((await renderCommandLine(l, 80, { isTTY: true, color: true })).stdout, plain.stdout, l.join(' '));
  }
});

test('bin/schsm.js prints the pre-rendered help without loading the bundle, and falls through for anything else', async (t) => {
  t.timeout(300_000);
  const dir = await buildPackage();
  const cases: [string[], number | undefined][] = [
    [['--help'], undefined],
    [['-h'], undefined],
    [['--version'], undefined],
    [['keys', 'list', '--help'], undefined],
    [['list', '-h'], undefined], // an alias of readers
    [['help', 'keys'], undefined],
    [['help'], 80],
    [['apdu', '--help'], 110],
    [['--help'], 200], // a terminal wider than 110: help at 110
  ];
  for (const [argv, columns] of cases) {
    const hooks = ['--import', NO_BUNDLE_HOOK, ...(columns === undefined ? [] : ['--import', columnsHook(columns)])];
    const r = await run([...hooks, 'bin/schsm.js', ...argv], dir);
    const live = await renderCommandLine(argv, columns);
    t.is(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    t.is(r.stderr, '');
    t.is(r.stdout, live.stdout, argv.join(' '));
  }
  // not pre-rendered: the bundle is needed (the hook makes it fail), and without the hook the normal path answers
  const other: [string[], NodeJS.ProcessEnv, number | undefined][] = [
    [['--help', '--json'], {}, undefined], // a command line not listed
    [['readers', '--help', '--sim'], {}, undefined],
    [['--help'], { YARGS_DISABLE_WRAP: '1' }, undefined], // yargs' layout changed by the environment
    [['keys', '--help'], {}, 90], // a width not rendered
  ];
  for (const [argv, env, columns] of other) {
    const width = columns === undefined ? [] : ['--import', columnsHook(columns)];
    const hooked = await run(['--import', NO_BUNDLE_HOOK, ...width, 'bin/schsm.js', ...argv], dir, env);
    t.not(hooked.code, 0, argv.join(' '));
    t.regex(hooked.stderr, /no bundle \(test hook\)/);
    // the normal path (a fake width on a stdout that is no terminal is the fast path's concern only: the
    // CLI itself takes the width of a terminal alone)
    if (columns !== undefined) continue;
    const normal = await run(['bin/schsm.js', ...argv], dir, env);
    t.is(normal.code, 0, `${argv.join(' ')}: ${normal.stderr}`);
    if (env.YARGS_DISABLE_WRAP === undefined) t.is(normal.stdout, (await renderCommandLine(argv, undefined)).stdout, argv.join(' '));
    else t.regex(normal.stdout, /^Usage: schsm <command> \[options\]$/m);
  }
});
