// `schsm completion bash|zsh|fish`, run in the real shells: bash's completion function called the way
// `complete -F` calls it (COMP_WORDS/COMP_CWORD), fish's own `complete -C`, zsh's function with the
// completion-system builtins replaced by recorders. The expected commands and options come from the
// `--help` texts (what yargs prints from the definitions), not from the code that writes the scripts.
import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { buildPackage } from '../helpers/package-build.ts';
import { requirePcscd } from '../helpers/vpcd.ts';

const work = mkdtempSync(path.join(tmpdir(), 'schsm-completion-'));

/** A directory with `schsm` (the built executable) for PATH, and the three scripts written out. */
const setup = (async () => {
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(await buildPackage(), 'bin', 'schsm.js'), path.join(bin, 'schsm'));
  const files: Record<string, string> = {};
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCliCaptured(['completion', shell]);
    if (r.code !== 0) throw new Error(r.stderr);
    files[shell] = path.join(work, `schsm.${shell}`);
    writeFileSync(files[shell], r.stdout);
  }
  return { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, files };
})();

function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd = work,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { env, cwd, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, stdout, stderr }),
    );
  });
}

/** What bash's completion offers for the words (the last one is being completed), as `complete -F _schsm` calls it. */
async function bash(words: readonly string[], cwd?: string): Promise<string[]> {
  const { env, files } = await setup;
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _schsm; printf "%s\\n" "\${COMPREPLY[@]}"`;
  const r = await run('bash', ['-c', script, 'bash', files.bash ?? '', 'schsm', ...words], env, cwd);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** What fish's completion engine offers for the command line (names only). */
async function fish(line: string): Promise<string[]> {
  const { env, files } = await setup;
  const r = await run('fish', ['--no-config', '-c', `source ${files.fish}; complete -C ${JSON.stringify(line)}`], env);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t')[0] ?? '');
}

/** Commands (with aliases) and option flags as `schsm … --help` lists them. */
async function fromHelp(words: readonly string[]): Promise<{ commands: string[]; flags: string[] }> {
  const { stdout } = await runCliCaptured([...words, '--help']);
  const section = /\nCommands:\n([\s\S]*?)\n\n/.exec(stdout)?.[1] ?? '';
  const commands: string[] = [];
  for (const entry of section.split(/\n(?= {2}schsm )/)) {
    const name = /^ {2}schsm (?:\S+ )*?(\S+)(?: [<[][^ ]*)* {2}/.exec(entry)?.[1];
    if (name !== undefined) commands.push(name);
    const aliases = /\[aliases: ([^\]]+)\]/.exec(entry)?.[1];
    if (aliases !== undefined) commands.push(...aliases.split(', '));
  }
  // option lines: "  -r, --reader …" or "      --sim …" (wrapped descriptions are indented further)
  const flags = [...stdout.matchAll(/^ {2}(?:(-\w), | {4})(--[\w-]+)/gm)].flatMap((m) => [m[1], m[2]]).filter((f) => f !== undefined);
  return { commands, flags };
}

const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

test('bash: registered with complete -F; commands, subcommands and every option --help lists, for every command', async (t) => {
  const { env, files } = await setup;
  t.is((await run('bash', ['-c', `source ${files.bash}; complete -p schsm`], env)).stdout.trim(), 'complete -F _schsm schsm');
  const root = await fromHelp([]);
  t.true(root.commands.includes('keys') && root.commands.includes('explorer'), 'help parsed');
  t.deepEqual(sorted(await bash([''])), sorted(root.commands));
  t.deepEqual(await bash(['ke']), ['keys']);
  const leaves: string[][] = [];
  for (const c of root.commands.filter((x) => !['explorer', 'shell', 'list'].includes(x))) {
    const sub = await fromHelp([c]);
    if (sub.commands.length === 0) leaves.push([c]);
    else {
      t.deepEqual(sorted(await bash([c, ''])), sorted(sub.commands), `schsm ${c} subcommands`);
      leaves.push(...sub.commands.map((s) => [c, s]));
    }
  }
  t.true(leaves.length >= 30, `${leaves.length} commands`);
  for (const words of leaves) {
    const expected = (await fromHelp(words)).flags.filter((f) => f.startsWith('--') && f !== '--version');
    const offered = (await bash([...words, '--'])).filter((f) => !f.startsWith('--no-'));
    t.deepEqual(sorted(offered), sorted(expected), `schsm ${words.join(' ')} --`);
  }
  t.true((await bash(['explorer', '--'])).includes('--keep-going'), 'an alias leads to its command');
  t.true((await bash(['explore', '--no-'])).includes('--no-history'), 'a boolean that defaults to true offers --no-');
});

test('bash: option values: choices, no files for a PIN, environment variables, files for a file, commands after help', async (t) => {
  t.deepEqual(await bash(['keys', 'sign', '--signature-format', '']), ['der', 'raw']);
  t.deepEqual(
    await bash(['--json', 'keys', '--reader', 'x', 'sign', '--signature-format', 'r']),
    ['raw'],
    'options before the command are skipped',
  );
  t.deepEqual(await bash(['keys', 'sign', '--pin', '']), [], 'a PIN is never completed');
  t.deepEqual(await bash(['random', '']), [], 'a byte count has nothing to complete');
  t.true((await bash(['keys', 'sign', '--pin-env', 'PA'])).includes('PATH'), 'environment variable names');
  const dir = mkdtempSync(path.join(work, 'files-'));
  writeFileSync(path.join(dir, 'select.apdu'), '00A4040C\n');
  writeFileSync(path.join(dir, 'other.txt'), '');
  t.deepEqual(await bash(['run', 'se'], dir), ['select.apdu']);
  t.deepEqual(await bash(['keys', 'sign', '--in', 'oth'], dir), ['other.txt']);
  t.deepEqual(sorted(await bash(['help', 'pin', ''])), sorted((await fromHelp(['pin'])).commands));
  t.true((await bash(['help', 'pin', ''])).includes('unblock'));
  t.deepEqual(await bash(['--reader', '=']), [], 'right after "--reader=" bash would replace the "=": nothing is offered');
});

/** A simulator state file with two keys, made by schsm itself. */
const stateWithKeys = (async () => {
  const file = path.join(work, 'card.json');
  const open = openDefaultTransport;
  const init = await runCliCaptured(['init', '--sim-state', file, '--yes', '--so-pin', '3537363231383830', '--pin', '648219'], { open });
  if (init.code !== 0) throw new Error(init.stderr);
  for (const label of ['signer', 'two words']) {
    const r = await runCliCaptured(
      ['keys', 'generate', '--sim-state', file, '--pin', '648219', '--type', 'ec:prime256v1', '--label', label],
      {
        open,
      },
    );
    if (r.code !== 0) throw new Error(r.stderr);
  }
  return file;
})();

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

test('key references come from a simulator state file named on the line, which stays unchanged', async (t) => {
  const file = await stateWithKeys;
  const before = sha256(file);
  const values = await runCliCaptured(['completion', '--values', 'key-refs', '--sim-state', file]);
  t.is(values.stdout, '1\tsigner\n2\ttwo words\n');
  t.deepEqual(values.sources, [], 'no transport of the CLI context is opened');
  t.deepEqual(await bash(['keys', 'sign', '--sim-state', file, '--ref', '']), ['1', '2']);
  t.deepEqual(await bash(['keys', '--reader', 'sim', ':', file, 'delete', '--ref', '2']), ['2'], 'sim:FILE as bash splits it at ":"');
  t.deepEqual(await fish(`schsm keys wrap --reader sim:${file} --ref `), ['1', '2']);
  t.deepEqual(await bash(['keys', 'generate', '--sim-state', file, '--ref', '']), [], 'generate takes a free reference: none offered');
  t.is(sha256(file), before, 'the state file is not rewritten');
});

test('key references are never read from a real card, and a missing state file is not created', async (t) => {
  const real = await runCliCaptured(['completion', '--values', 'key-refs', '--reader', '0']);
  t.is(real.stdout, '');
  t.deepEqual(real.sources, [], 'no card was opened');
  const missing = path.join(work, 'no-such-card.json');
  const none = await runCliCaptured(['completion', '--values', 'key-refs', '--sim-state', missing]);
  t.is(none.stdout, '');
  t.throws(() => readFileSync(missing), { code: 'ENOENT' });
});

test('reader names come from pcscd, quoted for bash; "sim" is offered too', async (t) => {
  if (!(await requirePcscd(t))) return;
  const values = await runCliCaptured(['completion', '--values', 'readers']);
  const names = values.stdout.split('\n').filter((l) => l !== '');
  t.true(names.includes('Virtual PCD 00 00') && names.includes('Virtual PCD 00 01'), values.stdout);
  t.deepEqual(values.sources, [], 'no card was opened');
  t.deepEqual(
    await bash(['--reader', '=', 'Virtual\\ PCD\\ 00\\ 0']),
    ['Virtual\\ PCD\\ 00\\ 00', 'Virtual\\ PCD\\ 00\\ 01'],
    '--reader=Virtual\\ PCD…',
  );
  const offered = await bash(['--reader', 'Virtual']);
  t.true(offered.includes('Virtual\\ PCD\\ 00\\ 00') && offered.includes('Virtual\\ PCD\\ 00\\ 01'), offered.join('|'));
  t.true((await bash(['clone', '--from', ''])).includes('sim'));
  t.true((await fish('schsm clone --to ')).includes('Virtual PCD 00 01'));
});

test('fish: the script parses; complete -C offers commands, subcommands, options, choices and files', async (t) => {
  const { env, files } = await setup;
  t.is((await run('fish', ['--no-config', '-n', files.fish ?? ''], env)).code, 0);
  t.deepEqual(sorted(await fish('schsm ')), sorted((await fromHelp([])).commands));
  t.deepEqual(sorted(await fish('schsm keys ')), sorted((await fromHelp(['keys'])).commands));
  t.deepEqual(await fish('schsm keys generate --lab'), ['--label']);
  t.deepEqual(await fish('schsm trace show --format pcsc'), ['pcsc-spy']);
  t.deepEqual(sorted(await fish('schsm help keys ')), sorted((await fromHelp(['keys'])).commands));
  t.true((await fish(`schsm run ${work}/schsm.`)).includes(`${work}/schsm.fish`));
});

test('zsh: the script parses, registers with compinit, and offers what the definitions say', async (t) => {
  const { env, files } = await setup;
  t.is((await run('zsh', ['-n', files.zsh ?? ''], env)).code, 0);
  const registered = await run(
    'zsh',
    ['-f', '-c', `autoload -U compinit; compinit -u -D; source ${files.zsh}; print -r -- $_comps[schsm]`],
    env,
  );
  t.is(registered.stdout.trim(), '_schsm', registered.stderr);
  // The completion-system builtins, replaced by recorders: what _schsm hands to them is what zsh would offer.
  const stubs = [
    'compdef() { :; }',
    `_describe() { print -rl -- "\${(@)\${(P)4}%%:*}"; }`,
    `compadd() { print -rl -- "\${(@P)2}"; }`,
    '_files() { print -r -- "<files>"; }',
    '_parameters() { print -r -- "<parameters>"; }',
    'compset() { :; }',
  ].join('\n');
  const zsh = async (words: readonly string[]): Promise<string[]> => {
    const script = `${stubs}\nsource ${files.zsh}\nwords=(schsm "$@"); CURRENT=\${#words}; _schsm`;
    const r = await run('zsh', ['-f', '-c', script, 'zsh', ...words], env);
    return r.stdout.split('\n').filter((l) => l !== '');
  };
  t.deepEqual(sorted(await zsh(['keys', ''])), sorted((await fromHelp(['keys'])).commands));
  t.deepEqual(await zsh(['keys', 'sign', '--signature-format', '']), ['der', 'raw']);
  t.deepEqual(await zsh(['run', '']), ['<files>']);
  t.deepEqual(await zsh(['pin', 'verify', '--pin-env', '']), ['<parameters>']);
  const file = await stateWithKeys;
  t.deepEqual(await zsh(['keys', 'sign', `--reader=sim:${file}`, '--ref', '']), ['1', '2']);
  t.true((await zsh(['keys', 'generate', '--'])).includes('--algorithms'));
});

test('the commands added lately complete in bash and fish with their options (issue 11 item 4)', async (t) => {
  t.deepEqual(sorted(await bash(['domain', ''])), ['clear', 'create', 'delete', 'list']);
  t.deepEqual(sorted(await bash(['certs', ''])), ['delete', 'export', 'import', 'list']);
  t.deepEqual(await bash(['fleet', '']), ['status']);
  t.deepEqual(await bash(['keys', 're']), ['request']);
  t.deepEqual(await bash(['keys', 'se']), ['self-sign']);
  t.deepEqual(await bash(['trace', 'ca']), ['capture']);
  const options: [string[], string[]][] = [
    [
      ['domain', 'create'],
      ['--domain', '--shares'],
    ],
    [['domain', 'list'], ['--json']],
    [
      ['domain', 'delete'],
      ['--domain', '--yes'],
    ],
    [
      ['domain', 'clear'],
      ['--domain', '--yes'],
    ],
    [['certs', 'list'], ['--json']],
    [
      ['certs', 'import'],
      ['--ref', '--ca', '--label'],
    ],
    [
      ['certs', 'export'],
      ['--ref', '--fid', '--format', '--out'],
    ],
    [
      ['certs', 'delete'],
      ['--fid', '--yes'],
    ],
    [
      ['keys', 'request'],
      ['--ref', '--subject', '--san', '--out'],
    ],
    [
      ['keys', 'self-sign'],
      ['--ref', '--subject', '--days', '--ca', '--no-store'],
    ],
    [
      ['fleet', 'status'],
      ['--socket', '--reader'],
    ],
    [
      ['trace', 'capture'],
      ['--out', '--spy-library'],
    ],
  ];
  for (const [words, want] of options) {
    const offered = await bash([...words, '--']);
    for (const o of want) t.true(offered.includes(o), `bash: schsm ${words.join(' ')} ${o}`);
  }
  t.deepEqual(sorted(await fish('schsm domain ')), ['clear', 'create', 'delete', 'list']);
  t.deepEqual(sorted(await fish('schsm certs ')), ['delete', 'export', 'import', 'list']);
  t.deepEqual(await fish('schsm trace capture --spy'), ['--spy-library']);
});
