// The generic error kinds of transport/errors.ts (usage, refused, file exists) are the ones cli/,
// explorer/ and trace/ raise: same codes, same CLI exit codes, whichever layer threw them.
import test from 'ava';
import { EXIT, exitCodeFor, RefusedError as CliRefusedError, UsageError as CliUsageError } from '../../src/cli/exit-codes.ts';
import { SecretInputAbortedError } from '../../src/cli/secret-input.ts';
import { AmbiguousCommandError, SecretNeededError, UnknownCommandError } from '../../src/explorer/errors.ts';
import { TraceFileExistsError } from '../../src/trace/errors.ts';
import { FileExistsError, RefusedError, SchsmError, UsageError } from '../../src/transport/errors.ts';

test('UsageError: ERR_SCHSM_USAGE, exit 2; the CLI and the explorer raise the same class', (t) => {
  const err = new UsageError('bad --ref', 'use 1..255');
  t.true(err instanceof SchsmError);
  t.is(err.code, 'ERR_SCHSM_USAGE');
  t.is(err.hint, 'use 1..255');
  t.is(exitCodeFor(err), EXIT.USAGE);
  t.is(CliUsageError, UsageError);
  for (const e of [
    new UnknownCommandError('frob'),
    new AmbiguousCommandError('c', ['cat', 'cd']),
    new SecretNeededError('PIN', '--pin-env'),
  ]) {
    t.true(e instanceof UsageError, e.name);
    t.is(exitCodeFor(e), EXIT.USAGE, e.name);
  }
});

test('RefusedError: ERR_SCHSM_REFUSED, exit 4, hint kept', (t) => {
  const err = new RefusedError('only one PIN try left', 'pass --force to try anyway');
  t.is(err.code, 'ERR_SCHSM_REFUSED');
  t.is(err.hint, 'pass --force to try anyway');
  t.is(exitCodeFor(err), EXIT.REFUSED);
  t.is(CliRefusedError, RefusedError);
  const aborted = new SecretInputAbortedError('user PIN');
  t.true(aborted instanceof RefusedError);
  t.is(exitCodeFor(aborted), EXIT.REFUSED);
});

test('FileExistsError: ERR_SCHSM_EXISTS with the path and a --force hint, exit 4; the trace kind is one of them', (t) => {
  const err = new FileExistsError('share.pbe');
  t.is(err.code, 'ERR_SCHSM_EXISTS');
  t.is(err.path, 'share.pbe');
  t.is(err.message, 'share.pbe already exists; schsm does not overwrite it');
  t.regex(err.hint ?? '', /--force/);
  t.is(exitCodeFor(err), EXIT.REFUSED);
  const trace = new TraceFileExistsError('init.trace');
  t.true(trace instanceof FileExistsError);
  t.is(trace.name, 'TraceFileExistsError');
  t.is(trace.code, 'ERR_SCHSM_EXISTS');
  t.is(trace.path, 'init.trace');
  t.is(trace.message, 'init.trace already exists; schsm never overwrites a trace file');
  t.regex(trace.hint ?? '', /--force/);
  t.is(exitCodeFor(trace), EXIT.REFUSED);
});
