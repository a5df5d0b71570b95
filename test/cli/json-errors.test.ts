/**
 * Issue 11 item 5: with --json every outcome is one JSON document on stdout, failures included:
 * {"ok": false, "error": {code, message, hint, exit}}, with the exit code of the same failure without
 * --json, and no secret in it.
 */
import test from 'ava';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { newSim, runOn, setupCard, USER_PIN } from './ops/helpers.ts';

interface Failure {
  ok: boolean;
  error: { code: string; message: string; hint: string | null; exit: number };
}

/** stdout must be exactly one JSON document (JSON.parse throws on a second one or on trailing text). */
function failureOf(stdout: string): Failure {
  return JSON.parse(stdout) as Failure;
}

test('a bad command line with --json: one usage document on stdout, exit 2, the word that may be a PIN not in it', async (t) => {
  const r = await runCliCaptured(['pin', 'verify', '648219', '--json']);
  t.is(r.code, EXIT.USAGE);
  const doc = failureOf(r.stdout);
  t.deepEqual(Object.keys(doc), ['ok', 'error']);
  t.false(doc.ok);
  t.deepEqual(Object.keys(doc.error), ['code', 'message', 'hint', 'exit']);
  t.is(doc.error.code, 'ERR_SCHSM_USAGE');
  t.is(doc.error.exit, 2);
  t.regex(doc.error.message, /^Unknown argument/);
  t.is(doc.error.hint, 'see schsm pin verify --help');
  t.false(r.stdout.includes('648219'), 'the stray word (maybe a PIN) is not repeated');
  t.false(r.stderr.includes('648219'));
  const plain = await runCliCaptured(['pin', 'verify', '648219']);
  t.is(plain.code, r.code, 'same exit code without --json');
  t.is(plain.stdout, '');
});

test('a command failing on a missing input file with --json: exit 2 and its message and hint in the document', async (t) => {
  const r = await runCliCaptured(['backup', 'verify', 'nothere.wrapped', '--share', 'nothere.pbe', '--password-env', 'PW', '--json'], {
    env: { PW: 'not-a-real-password' },
  });
  t.is(r.code, EXIT.USAGE, r.stderr);
  const doc = failureOf(r.stdout);
  t.false(doc.ok);
  t.is(doc.error.exit, 2);
  t.is(doc.error.code, 'ERR_SCHSM_USAGE');
  t.regex(doc.error.message, /nothere/);
  t.false(r.stdout.includes('not-a-real-password'));
});

test('a card refusal with --json: the document carries the card error and exit 1; a success keeps its shape (no ok member)', async (t) => {
  const sim = newSim();
  await setupCard(sim, { retryCounter: 3 });
  const wrong = await runOn(sim, ['pin', 'verify', '--pin-env', 'P', '--json'], { env: { P: '999999' } });
  t.is(wrong.code, EXIT.FAILED, wrong.stderr);
  const doc = failureOf(wrong.stdout);
  t.like(doc, { ok: false, error: { exit: 1 } });
  t.regex(doc.error.message, /wrong user PIN, 2 tries left/);
  t.false(wrong.stdout.includes('999999'), 'the PIN tried is not in the document');
  const ok = await runOn(sim, ['pin', 'verify', '--pin-env', 'P', '--json'], { env: { P: USER_PIN } });
  t.is(ok.code, EXIT.OK, ok.stderr);
  t.false('ok' in (JSON.parse(ok.stdout) as object), 'successful documents are unchanged');
});

test('an internal error with --json is a document too (code ERR_SCHSM_INTERNAL, exit 70)', async (t) => {
  // The test context has no card: opening one throws a plain Error, which the CLI treats as a bug.
  const r = await runCliCaptured(['status', '--json']);
  t.is(r.code, EXIT.INTERNAL);
  t.deepEqual(failureOf(r.stdout), {
    ok: false,
    error: { code: 'ERR_SCHSM_INTERNAL', message: 'test context has no card', hint: 'please report this bug', exit: 70 },
  });
});

test('--json off (or --no-json last): failures leave stdout empty as before', async (t) => {
  for (const argv of [
    ['backup', 'verify', 'nothere.wrapped'],
    ['backup', 'verify', 'nothere.wrapped', '--json', '--no-json'],
  ]) {
    const r = await runCliCaptured(argv);
    t.is(r.code, EXIT.USAGE);
    t.is(r.stdout, '');
  }
});
