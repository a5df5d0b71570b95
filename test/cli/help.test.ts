// `schsm help COMMAND`: the full reference of a command, which README no longer carries.
import test from 'ava';
import { readFileSync } from 'node:fs';
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
