// The shell's line handling: tokenizer, command lookup by unique prefix, option parsing, PIN refs.
import test from 'ava';
import { tokenize } from '../../src/explorer/tokenize.ts';
import { resolveName, namesStartingWith } from '../../src/explorer/table.ts';
import { parseArgs, parseFid, parseNumber, parseData, positionalIndices } from '../../src/explorer/args.ts';
import { parsePinRef } from '../../src/explorer/pin-input.ts';
import { COMMANDS } from '../../src/explorer/commands/index.ts';
import { AmbiguousCommandError, UnknownCommandError } from '../../src/explorer/errors.ts';
import { UsageError as ExplorerUsageError } from '../../src/transport/errors.ts';

const words = (line: string): string[] => tokenize(line).map((t) => t.text);

test('tokenize: blanks, double and single quotes, escapes, empty words', (t) => {
  t.deepEqual(words('  ls   CC*  '), ['ls', 'CC*']);
  t.deepEqual(words('update_binary CF01 0 "hello world"'), ['update_binary', 'CF01', '0', 'hello world']);
  t.deepEqual(words('echo \'a \\b\' "c \\" d" e\\ f'), ['echo', 'a \\b', 'c " d', 'e f']);
  t.deepEqual(words('unblock user "" ""'), ['unblock', 'user', '', '']);
  t.deepEqual(words('echo ab"cd"ef'), ['echo', 'abcdef']);
});

test('tokenize: # starts a comment only at the start of a word', (t) => {
  t.deepEqual(words('# a whole comment line'), []);
  t.deepEqual(words('ls C4* # the PRKDs'), ['ls', 'C4*']);
  t.deepEqual(words('echo a#b "#c"'), ['echo', 'a#b', '#c']);
});

test('tokenize: spans point into the line (quotes included) and quoted words are marked', (t) => {
  const line = 'verify user "64 82"  --force';
  const [, user, pin, force] = tokenize(line);
  t.is(line.slice(user!.start, user!.end), 'user');
  t.is(line.slice(pin!.start, pin!.end), '"64 82"');
  t.true(pin!.quoted);
  t.false(force!.quoted);
});

test('tokenize: unterminated quotes and a trailing backslash are usage errors', (t) => {
  t.throws(() => tokenize('echo "abc'), { instanceOf: ExplorerUsageError, message: /unterminated double quote/ });
  t.throws(() => tokenize("echo 'abc"), { instanceOf: ExplorerUsageError, message: /unterminated single quote/ });
  t.throws(() => tokenize('echo abc\\'), { instanceOf: ExplorerUsageError });
});

test('commands resolve by exact name, alias or unique prefix; ambiguity lists the candidates', (t) => {
  t.is(resolveName(COMMANDS, 'verify').name, 'verify');
  t.is(resolveName(COMMANDS, 'rm').name, 'delete');
  t.is(resolveName(COMMANDS, 'exit').name, 'quit');
  t.is(resolveName(COMMANDS, 've').name, 'verify');
  t.is(resolveName(COMMANDS, 'ca').name, 'cat');
  t.is(resolveName(COMMANDS, 'CAT').name, 'cat');
  const amb = t.throws(() => resolveName(COMMANDS, 'c'), { instanceOf: AmbiguousCommandError });
  t.deepEqual([...amb.candidates].sort(), ['cat', 'cd', 'certs', 'change', 'create']);
  t.throws(() => resolveName(COMMANDS, 'frobnicate'), { instanceOf: UnknownCommandError, message: 'unknown command "frobnicate"' });
});

test('the table has unique names and every opensc-explorer command we promise', (t) => {
  const all = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  t.is(new Set(all).size, all.length);
  for (const name of [
    'cd',
    'ls',
    'cat',
    'info',
    'find',
    'create',
    'delete',
    'rm',
    'pin_info',
    'verify',
    'change',
    'unblock',
    'get',
    'put',
    'update_binary',
    'random',
    'apdu',
    'asn1',
    'debug',
    'echo',
    'help',
    'quit',
    'exit',
  ]) {
    t.true(all.includes(name), name);
  }
  for (const name of ['status', 'keys', 'dkek', 'trace', 'reconnect']) t.true(all.includes(name), name);
  t.deepEqual(namesStartingWith(COMMANDS, 'r'), ['random', 'reconnect', 'rm']);
});

test('options: flags, values (--x v and --x=v), -f, unknown options, quoted dashes stay words', (t) => {
  const a = parseArgs(tokenize('1 --label "my key" --force --ref=3 "--not-an-option"'), {
    label: 'string',
    ref: 'string',
    force: 'boolean',
  });
  t.deepEqual(a.positional, ['1', '--not-an-option']);
  t.is(a.values.get('label'), 'my key');
  t.is(a.values.get('ref'), '3');
  t.true(a.flags.has('force'));
  t.true(parseArgs(tokenize('x -f'), { force: 'boolean' }).flags.has('force'));
  t.throws(() => parseArgs(tokenize('x --bogus'), { force: 'boolean' }), {
    instanceOf: ExplorerUsageError,
    message: 'unknown option --bogus',
  });
  t.throws(() => parseArgs(tokenize('x --label'), { label: 'string' }), { message: '--label needs a value' });
  t.deepEqual(positionalIndices(tokenize('user --force 648219'), { force: 'boolean' }), [0, 2]);
  t.deepEqual(positionalIndices(tokenize('--in f 1 ECDSA'), { in: 'string' }), [2, 3]);
});

test('FIDs, numbers and data words', (t) => {
  t.is(parseFid('C401'), 0xc401);
  t.is(parseFid('c401'), 0xc401);
  t.is(parseFid('0x2F02'), 0x2f02);
  t.throws(() => parseFid('C40'), { instanceOf: ExplorerUsageError, message: /not a file identifier/ });
  t.throws(() => parseFid('G401'), { instanceOf: ExplorerUsageError });
  t.is(parseNumber('16', 'N'), 16);
  t.is(parseNumber('0x10', 'N'), 16);
  t.throws(() => parseNumber('-1', 'N'), { message: /N must be a number/ });
  t.throws(() => parseNumber('300', 'N', 1, 255), { message: 'N must be a number 1..255, got "300"' });
  const [hexWord, textWord] = tokenize('00:A4:04 "AB"');
  t.deepEqual([...parseData(hexWord!)], [0x00, 0xa4, 0x04]);
  t.deepEqual([...parseData(textWord!)], [0x41, 0x42]);
  t.throws(() => parseData(tokenize('xyz')[0]!), { instanceOf: ExplorerUsageError, message: /neither hex nor a "quoted string"/ });
});

test('PIN references: names, hex, CHVn and decimal like opensc-explorer', (t) => {
  for (const w of ['user', 'USER', 'pin', '0x81', 'CHV129', 'chv129', '129']) t.is(parsePinRef(w), 0x81, w);
  for (const w of ['so', 'so-pin', 'sopin', '0x88', 'CHV136', '136']) t.is(parsePinRef(w), 0x88, w);
  const e = t.throws(() => parsePinRef('81'), { instanceOf: ExplorerUsageError });
  t.regex(e.hint ?? '', /decimal.*did you mean 0x81/);
  t.throws(() => parsePinRef('0x85'), { instanceOf: ExplorerUsageError });
  t.is(parsePinRef('0x85', true), 0x85);
  t.throws(() => parsePinRef('CHV2'), { message: /not a PIN reference/ });
});
