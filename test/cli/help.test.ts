// `schsm help COMMAND`: the full reference of a command, which README no longer carries.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { commandTree, leafCommands, type OptionInfo } from '../../src/cli/reference/introspect.ts';
import { runCliCaptured } from '../helpers/cli.ts';

test('schsm help keys generate prints what keys generate --help prints: usage, every option, the examples', async (t) => {
  const help = await runCliCaptured(['help', 'keys', 'generate']);
  const direct = await runCliCaptured(['keys', 'generate', '--help']);
  t.is(help.code, 0, help.stderr);
  t.is(help.stdout, direct.stdout);
  t.regex(help.stdout, /^schsm keys generate \[type\]\n/);
  t.regex(help.stdout, /Positionals:\n {2}type {2,}rsa:1024\.\.4096/);
  t.regex(help.stdout, /--label {2,}key label/);
  t.regex(help.stdout, /--reader {2,}PC\/SC reader/, 'the global options are part of a command reference');
  t.regex(help.stdout, /Examples:\n {2}schsm keys generate ec:prime256v1 --label signer +P-256 key, lowest free reference\n/);
});

test('schsm help GROUP prints the group and then every subcommand in full; aliases are accepted', async (t) => {
  const r = await runCliCaptured(['help', 'pin']);
  t.is(r.code, 0, r.stderr);
  const headings = [...r.stdout.matchAll(/^-{8} (schsm pin \S+) -{8}$/gm)].map((m) => m[1]);
  const listed = [
    ...((await runCliCaptured(['pin', '--help'])).stdout.split('\nCommands:\n')[1] ?? '').matchAll(/^ {2}(schsm pin \S+)/gm),
  ].map((m) => m[1]);
  t.true(listed.includes('schsm pin unblock'), 'the subcommands schsm pin --help lists');
  t.deepEqual(headings, listed);
  t.regex(r.stdout, /schsm pin unblock\n\nreset the user PIN's retry counter/);
  const alias = await runCliCaptured(['help', 'list']);
  t.is(alias.stdout, (await runCliCaptured(['readers', '--help'])).stdout, '"list" is an alias of readers');
});

test('schsm help with no command is schsm --help; an unknown command is the one-line usage error of a typo', async (t) => {
  t.is((await runCliCaptured(['help'])).stdout, (await runCliCaptured(['--help'])).stdout);
  const bad = await runCliCaptured(['help', 'keys', 'generat']);
  t.is(bad.code, 2);
  t.is(bad.stderr, 'error: unknown keys subcommand "generat"; did you mean "generate"? (schsm keys --help lists them)\n');
  t.is(bad.stdout, '');
});

test('schsm --version prints the version of package.json', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const r = await runCliCaptured(['--version']);
  t.is(r.stdout.trim(), pkg.version);
});

/** The commands added since the man page and completion came (issue 11 item 4 asks each to have an example). */
const RECENT = [
  'domain create',
  'domain list',
  'domain delete',
  'domain clear',
  'certs list',
  'certs import',
  'certs export',
  'certs delete',
  'keys request',
  'keys self-sign',
  'fleet status',
  'trace capture',
];

test('every command shows an example of itself in --help, and the options its examples use exist', async (t) => {
  const tree = commandTree();
  const leaves = leafCommands(tree);
  const paths = leaves.map((c) => c.path.join(' '));
  for (const r of RECENT) t.true(paths.includes(r), `${r} is a command`);
  const flag = (o: OptionInfo): string[] => [o.name, ...o.aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  for (const c of leaves) {
    const name = c.path.join(' ');
    const help = (await runCliCaptured([...c.path, '--help'])).stdout;
    const section = /\nExamples:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? '';
    // `schsm help --help` is the general help (yargs' own --help); help's examples are in the man page
    if (name !== 'help') t.regex(section, new RegExp(`^ {2}schsm ${name}\\b`, 'm'), `schsm ${name} --help shows an example of it`);
    else t.true(c.examples.length > 0);
    const known = new Set([...c.options, ...tree.globals].flatMap(flag));
    for (const [example] of c.examples) {
      const start = example.indexOf(`schsm ${name}`);
      const words =
        example
          .slice(start)
          .split(/ (?:\||&&|;|&) /)[0]
          ?.split(/\s+/) ?? [];
      const end = words.indexOf('--');
      for (const w of (end < 0 ? words : words.slice(0, end)).filter((x) => /^--?[a-z]/i.test(x))) {
        const f = w.split('=')[0] ?? w;
        t.true(known.has(f) || known.has(f.replace(/^--no-/, '--')) || /^-v+$/.test(f), `${example}: ${f} is an option of schsm ${name}`);
      }
    }
  }
});
