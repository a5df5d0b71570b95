// The shell around the commands: help from the table, echo, debug (annotated APDUs with secrets
// masked), quit, script mode (comments, first failure stops with exit 1 naming the line, --keep-going),
// time limits, Ctrl-C, the busy guard, and interactive confirmations.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { asciiHex, explore, initialisedSim, sent, sessionWithPrompter, tempDir, USER_PIN } from './helpers.ts';
import { COMMANDS } from '../../src/explorer/commands/index.ts';
import { Runner } from '../../src/explorer/dispatch.ts';
import { CommandCancelledError, CommandTimeoutError } from '../../src/explorer/errors.ts';
import { promptText } from '../../src/explorer/paths.ts';
import { completeLine } from '../../src/explorer/complete.ts';

test('help lists every command of the table; help PATTERN shows the matching ones with details', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, ['help', 'help keys']);
  t.is(r.code, 0, r.stderr);
  for (const c of COMMANDS) t.regex(r.stdout, new RegExp(`^  ${[c.name, ...(c.aliases ?? [])].join('\\|')}\\b`, 'm'), c.name);
  t.regex(r.stdout, /keys generate TYPE \[--label L\] \[--ref N\] \[--id HEX\] \[--replace\] {2}— {2}generate a key/);
  const none = await explore(sim, 'help zzz');
  t.regex(none.stdout, /no command matches "zzz"/);
});

test('echo prints its words; quit stops a script; # comments and blank lines are skipped', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, '# setup\n\necho hello   "big world"  # trailing comment\nquit\necho never');
  t.is(r.code, 0);
  t.is(r.stdout, 'hello big world\n');
});

test('a failing line stops the script with exit 1 and names the line; --keep-going runs on', async (t) => {
  const sim = await initialisedSim();
  const stop = await explore(sim, ['echo one', 'cat CF99', 'echo three']);
  t.is(stop.code, 1);
  t.is(stop.stdout, 'one\n');
  t.regex(stop.stderr, /^error: <stdin>:2: READ BINARY EF CF99/m);
  t.regex(stop.stderr, /^in: cat CF99$/m);
  t.regex(stop.stderr, /stopped at <stdin>:2 \(--keep-going runs the remaining lines\)/);
  const go = await explore(sim, ['echo one', 'cat CF99', 'echo three'], { keepGoing: true });
  t.is(go.code, 1);
  t.is(go.stdout, 'one\nthree\n');
  const dir = tempDir();
  writeFileSync(path.join(dir, 'setup.txt'), 'echo from file\nverify user 000000\n');
  const file = await explore(sim, [], { cwd: dir, script: 'setup.txt' });
  t.is(file.code, 1);
  t.regex(file.stderr, /^error: setup\.txt:2: VERIFY user PIN: wrong user PIN/m);
  t.regex(file.stderr, /^in: verify user$/m, 'the PIN is not repeated in the message');
  t.false(file.stderr.includes('000000'));
  const missing = await explore(sim, [], { cwd: dir, script: 'nope.txt' }).catch((e: Error) => e);
  t.regex((missing as Error).message, /script nope\.txt: no such file/);
});

test('debug 1 shows each APDU annotated with the PIN masked; debug 0 stops it', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, ['debug', 'debug 1', `verify user ${USER_PIN}`, 'debug 0', 'pin_info']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Current debug level is 0/);
  t.regex(r.stderr, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.$/m);
  t.regex(r.stderr, /VERIFY · CLA 00: ISO/);
  t.regex(r.stderr, /^ {3}9000 OK: normal processing$/m);
  t.regex(r.stderr, /^ {3}63C3 PIN_INCORRECT: verification failed, 3 tries left$/m, 'the status query before it');
  t.false(r.stderr.includes(asciiHex(USER_PIN, ' ')), 'PIN bytes never shown');
  // the check before a PIN is asked, the channel guard's query right before the VERIFY, the VERIFY
  t.is(r.stderr.match(/^=> /gm)?.length, 3, 'nothing after debug 0');
  const v = await explore(sim, 'random 8', { debugLevel: 1 });
  t.regex(v.stderr, /^<= (\.\. ){8}90 00$/m, 'card random masked in the debug view');
});

test('the prompt shows the current DF like opensc-explorer, or that the card is gone', async (t) => {
  const sim = await initialisedSim();
  const { session, run } = await sessionWithPrompter(sim, []);
  t.is(promptText(session), 'schsm [E82B/0601/0401/81C3/1F02/01]> ');
  await run('cd ..');
  t.is(promptText(session), 'schsm [3F00]> ');
  await session.close();
  t.is(promptText(session), 'schsm [no card]> ');
});

test('Tab completion: command names, FIDs seen on the card, subcommands, PIN names, local paths', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'share-1.pbe'), '');
  const { session, run } = await sessionWithPrompter(sim, []);
  (session as { cwd: string }).cwd = dir;
  await run(`verify user ${USER_PIN}`);
  await run('keys generate ec:prime256v1');
  t.deepEqual(completeLine(session, 'r'), [['random', 'reconnect', 'rm'], 'r']);
  t.deepEqual(completeLine(session, ''), [COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]).sort(), '']);
  t.deepEqual(completeLine(session, 'cat C'), [['C401', 'CC00', 'CC01', 'CE01'], 'C']);
  t.deepEqual(completeLine(session, 'cat ce'), [['CE01'], 'ce']);
  t.deepEqual(completeLine(session, 'keys g'), [['generate'], 'g']);
  t.deepEqual(completeLine(session, 'keys generate ec:prime'), [['ec:prime256v1'], 'ec:prime']);
  t.deepEqual(completeLine(session, 'verify s'), [['so'], 's']);
  t.deepEqual(completeLine(session, 'dkek import sh'), [['share-1.pbe'], 'sh']);
  t.deepEqual(completeLine(session, 'get 2F02 '), [['share-1.pbe'], '']);
  t.deepEqual(completeLine(session, 'bogus x'), [[], 'x']);
  await session.close();
});

test('time limit: a command that hangs fails with CommandTimeoutError; Ctrl-C cancels; busy while running', async (t) => {
  const sim = await initialisedSim();
  const { session } = await sessionWithPrompter(sim, []);
  const runner = new Runner();
  const never = new Promise<void>(() => undefined);
  await t.throwsAsync(
    runner.run(session, 'slow', 50, () => never),
    { instanceOf: CommandTimeoutError, message: 'slow did not finish within 50 ms' },
  );
  t.false(runner.busy);
  const p = runner.run(session, 'find', 0, () => never);
  t.true(runner.busy);
  t.is(runner.what, 'find');
  runner.cancel();
  await t.throwsAsync(p, { instanceOf: CommandCancelledError, message: 'find cancelled' });
  t.false(runner.busy);
  await session.close();
});

test('a prompt pauses the time limit', async (t) => {
  const sim = await initialisedSim();
  const { session } = await sessionWithPrompter(sim, []);
  session.prompter = { ask: () => new Promise((resolve) => setTimeout(() => resolve('x'), 150)) };
  const runner = new Runner();
  await t.notThrowsAsync(
    runner.run(session, 'ask', 100, async () => {
      await session.askSecret('PIN: ', 'PIN', '');
    }),
  );
  await session.close();
});

test('keys delete asks for confirmation at the prompter; "y" deletes, anything else refuses', async (t) => {
  const sim = await initialisedSim();
  const { session, run, asked, apdus } = await sessionWithPrompter(sim, ['n', 'yes']);
  await run(`verify user ${USER_PIN}`);
  await run('keys generate ec:prime256v1 --label k');
  await t.throwsAsync(run('keys delete 1'), { message: /not deleted/ });
  await run('keys delete 1');
  t.is(asked.length, 2);
  t.regex(asked[0]?.[0] ?? '', /^delete key 1 "k" \(CC01, C401, CE01\)\? It cannot be undone without a wrapped backup\. \[y\/N\] $/);
  t.false(asked[0]?.[1] ?? true, 'a confirmation is not hidden');
  t.true(sent(apdus, '00 E4 02 00 02 CC 01'));
  await session.close();
});
