// The command reference lives in the man page (man/schsm.1) and README keeps a one-line-per-command
// table; both are generated from the command definitions (`npm run docs`), and must match them.
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { roffText } from '../src/cli/reference/man.ts';
import { MAN_PAGE, README, readmeWithTable, readText, renderedManPage } from './helpers/docs.ts';
import { ROOT } from './helpers/package-build.ts';
import { runCliCaptured } from './helpers/cli.ts';

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 128, stdout, stderr }),
    );
  });
}

test('README: the command table is what the definitions give (npm run docs rewrites it)', (t) => {
  const readme = readText(README);
  t.is(readme, readmeWithTable(readme));
  t.regex(readme, /\| `schsm keys generate \[type\]` \| generate a key pair \(or AES key\) on the card/);
  t.regex(readme, /\| `schsm random <bytes>` \| random bytes from the card's RNG/);
  t.notRegex(readme, /command-reference:begin/, 'the full reference moved out of README');
});

test('man/schsm.1 is what the definitions give (npm run docs rewrites it), and package.json installs it', (t) => {
  t.is(readText(MAN_PAGE), renderedManPage());
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { man: string[]; files: string[] };
  t.deepEqual(pkg.man, ['./man/schsm.1']);
  t.true(pkg.files.includes('man'));
});

test('groff reads the man page without a warning; man shows every command with its options and examples', async (t) => {
  const groff = await run('groff', ['-man', '-Tutf8', '-ww', '-z', MAN_PAGE]);
  t.is(groff.code, 0);
  t.is(groff.stderr, '', 'no groff warning');
  const man = await run('man', ['-l', MAN_PAGE], { MANWIDTH: '120', MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8' });
  t.is(man.code, 0, man.stderr);
  const page = man.stdout;
  for (const heading of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'GLOBAL OPTIONS', 'COMMANDS', 'EXIT STATUS', 'ENVIRONMENT', 'SEE ALSO'])
    t.regex(page, new RegExp(`^${heading}$`, 'm'), heading);
  // every command `schsm --help` lists (groups: every subcommand their --help lists) has a section
  const top = (await runCliCaptured(['--help'])).stdout;
  const names = [...top.matchAll(/^ {2}schsm (\S+)/gm)].map((m) => m[1] ?? '');
  t.true(names.length >= 17);
  for (const name of names) {
    const sub = (await runCliCaptured([name, '--help'])).stdout;
    if (!sub.startsWith(`schsm ${name}`)) t.is(name, 'help', 'only `schsm help --help` is the general help');
    const group = sub.startsWith(`schsm ${name}`) ? (/\nCommands:\n([\s\S]*?)\n\n/.exec(sub)?.[1] ?? '') : '';
    const subs = [...group.matchAll(/^ {2}schsm \S+ (\S+)/gm)].map((m) => `${name} ${m[1]}`);
    for (const c of subs.length > 0 ? subs : [name]) t.regex(page, new RegExp(`^ {3}schsm ${c}$`, 'm'), `section for schsm ${c}`);
  }
  t.regex(page, /--signature-format der\|raw\n\s+ECDSA: DER SEQUENCE\{r,s\} \(OpenSSL\) or raw r‖s \(PKCS#11\) \(default: "der"\)/);
  t.regex(page, /--ref number\n\s+key reference \(1\.\.255\), as `schsm keys list` shows it \(required\)/);
  t.regex(page, /schsm keys generate ec:prime256v1 --label signer\n\s+P-256 key, lowest free reference/);
  t.regex(page, /-r, --reader string\n\s+PC\/SC reader: name/);
  t.regex(page, /--redact, --no-redact\n/);
  t.regex(page, /^ {7}4\s+refused\s+to\s+protect\s+the\s+card\s+or\s+your\s+files/m); // groff justifies: spaces vary
});

test('roff escaping: backslashes, hyphens, a leading dot or quote, non-ASCII as \\[uXXXX]', (t) => {
  t.is(roffText('a\\b'), 'a\\eb');
  t.is(roffText('--force'), '\\-\\-force');
  t.is(roffText(".TH looks like a request\n'so does this"), "\\&.TH looks like a request\n\\&'so does this");
  t.is(roffText('r‖s — 😀'), 'r\\[u2016]s \\[u2014] \\[u1F600]');
});
