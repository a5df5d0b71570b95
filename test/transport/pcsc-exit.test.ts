// A program that ends right after its work leaves PC/SC status threads to its end (src/transport/pcsc-binding.ts):
// at most one discovery is kept, the one before it is released once its threads were quiet for
// RELEASE_QUIET_MS; the library (nothing enabled) releases in the background once quiet. This worker enables it, so it opens
// no real PC/SC context (test/cli/bin-pcsc.test.ts runs the CLI as a process through pcscd).
import test from 'ava';
import {
  keepForExit,
  pcscLeftForExit,
  pcscReleasedAtExit,
  RELEASE_MAX_WAIT_MS,
  RELEASE_QUIET_MS,
  releasePcscAtExit,
  releaseWhenQuiet,
} from '../../src/transport/pcsc-binding.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

test.serial('releaseWhenQuiet: never synchronous; an event during the wait starts the wait again', async (t) => {
  const released: number[] = [];
  const start = Date.now();
  releaseWhenQuiet(
    () => released.push(Date.now()),
    () => start - 10 * RELEASE_QUIET_MS,
  );
  t.deepEqual(released, [], 'not released synchronously, even when quiet for long');
  await turn();
  t.is(released.length, 1, 'released on the next turn of the event loop');

  let last = Date.now();
  const done: number[] = [];
  releaseWhenQuiet(
    () => done.push(Date.now()),
    () => last,
  );
  await sleep(RELEASE_QUIET_MS / 2);
  last = Date.now(); // an event half-way through the wait
  const eventAt = last;
  await sleep(RELEASE_QUIET_MS / 2 + 20);
  t.deepEqual(done, [], 'not released 20 ms after the first wait would have ended');
  await sleep(RELEASE_QUIET_MS);
  t.is(done.length, 1);
  t.true(done[0]! - eventAt >= RELEASE_QUIET_MS, `released ${done[0]! - eventAt} ms after the last event`);
});

test.serial('releaseWhenQuiet is bounded: a reader that never goes quiet is released after RELEASE_MAX_WAIT_MS', async (t) => {
  const start = Date.now();
  let at: number | undefined;
  releaseWhenQuiet(
    () => (at = Date.now()),
    () => Date.now(), // an event at every look
  );
  await sleep(RELEASE_MAX_WAIT_MS - 200);
  t.is(at, undefined, 'still waiting for quiet');
  await sleep(600);
  t.not(at, undefined, 'released after the bound');
  t.true(at! - start >= RELEASE_MAX_WAIT_MS && at! - start < RELEASE_MAX_WAIT_MS + 300, `released after ${at! - start} ms`);
});

test.serial('kept for the end of the process: only the last discovery; the one before is released once quiet', async (t) => {
  t.false(pcscReleasedAtExit(), 'nothing enabled: the library releases at once');
  t.false(pcscLeftForExit());
  releasePcscAtExit();
  t.true(pcscReleasedAtExit());
  const released: string[] = [];
  const old = Date.now() - 10 * RELEASE_QUIET_MS;
  keepForExit(
    () => released.push('a'),
    () => old,
  );
  t.true(pcscLeftForExit());
  t.deepEqual(released, []);
  const bEvent = Date.now();
  keepForExit(
    () => released.push('b'),
    () => bEvent,
  );
  t.deepEqual(released, [], 'never released synchronously');
  await turn();
  t.deepEqual(released, ['a'], 'a, quiet for long, is released when b is kept');
  keepForExit(
    () => released.push('c'),
    () => Date.now(),
  );
  t.deepEqual(released, ['a'], 'b had an event just now: not released yet');
  await sleep(RELEASE_QUIET_MS + 30);
  t.deepEqual(released, ['a', 'b'], 'b released once quiet');
  t.true(pcscLeftForExit(), 'c is kept');
});
