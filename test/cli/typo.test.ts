/** Issue 11 item 9: a mistyped command is one line (what was wrong, the suggestion, where help is), exit 2. */
import test from 'ava';
import { closest, editDistance } from '../../src/cli/command-typo.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { runCliCaptured } from '../helpers/cli.ts';

test('schsm kyes list: one line naming the word, the suggestion and the help', async (t) => {
  const r = await runCliCaptured(['kyes', 'list']);
  t.is(r.code, EXIT.USAGE);
  t.is(r.stderr, 'error: unknown command "kyes"; did you mean "keys"? (schsm --help lists them)\n');
  t.is(r.stdout, '');
});

test('schsm keys lst: the same for a subcommand, options before it skipped', async (t) => {
  const r = await runCliCaptured(['--reader', 'sim', 'keys', 'lst', '--json']);
  t.is(r.code, EXIT.USAGE);
  t.is(r.stderr, 'error: unknown keys subcommand "lst"; did you mean "list"? (schsm keys --help lists them)\n');
  t.like(JSON.parse(r.stdout), { ok: false, error: { message: 'unknown keys subcommand "lst"; did you mean "list"?', exit: 2 } });
});

test('a word that does not look like a command is not repeated (it may be a PIN); no suggestion when nothing is close', async (t) => {
  const r = await runCliCaptured(['648219']);
  t.is(r.code, EXIT.USAGE);
  t.is(r.stderr, 'error: unknown command (the word is not shown: it may be a secret) (schsm --help lists them)\n');
  const far = await runCliCaptured(['pin', 'frobnicate']);
  t.is(far.stderr, 'error: unknown pin subcommand "frobnicate" (schsm pin --help lists them)\n');
});

test('other usage errors are one line too; only a missing command shows the help', async (t) => {
  const opt = await runCliCaptured(['keys', 'list', '--frce']);
  t.is(opt.stderr, 'error: Unknown argument: frce (see schsm keys list --help)\n');
  const group = await runCliCaptured(['keys']);
  t.is(group.code, EXIT.USAGE);
  t.regex(group.stderr, /Commands:\n {2}schsm keys list/);
  t.regex(group.stderr, /\nerror: keys: name a subcommand \(see schsm keys --help\)\n$/);
});

test('schsm help with a mistyped command answers like the mistyped command itself: one line, exit 2', async (t) => {
  const sub = await runCliCaptured(['help', 'keys', 'generat']);
  t.is(sub.code, EXIT.USAGE);
  t.is(sub.stderr, 'error: unknown keys subcommand "generat"; did you mean "generate"? (schsm keys --help lists them)\n');
  t.is(sub.stdout, '');
  t.is(sub.stderr, (await runCliCaptured(['keys', 'generat'])).stderr, 'the same words as schsm keys generat');
  const top = await runCliCaptured(['help', 'kyes', '--json']);
  t.is(top.code, EXIT.USAGE);
  t.is(top.stderr, 'error: unknown command "kyes"; did you mean "keys"? (schsm --help lists them)\n');
  t.deepEqual(JSON.parse(top.stdout), {
    ok: false,
    error: { code: 'ERR_SCHSM_USAGE', message: 'unknown command "kyes"; did you mean "keys"?', hint: 'schsm --help lists them', exit: 2 },
  });
  const secret = await runCliCaptured(['help', '648219']);
  t.is(secret.stderr, 'error: unknown command (the word is not shown: it may be a secret) (schsm --help lists them)\n');
  const extra = await runCliCaptured(['help', 'keys', 'list', 'extra']);
  t.is(extra.code, EXIT.USAGE);
  t.is(extra.stderr, 'error: schsm keys list has no subcommands (see schsm help keys list)\n');
});

test('edit distance counts a swap of neighbours as one edit', (t) => {
  t.is(editDistance('kyes', 'keys'), 1);
  t.is(editDistance('lst', 'list'), 1);
  t.is(editDistance('', 'abc'), 3);
  t.is(closest('gen', ['generate', 'list']), 'generate', 'a unique prefix');
  t.is(closest('xyz', ['keys', 'pin']), undefined);
});
