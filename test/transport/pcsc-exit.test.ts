// A program that ends right after its work leaves PC/SC status threads to its end (src/transport/pcsc-exit.ts):
// at most one discovery is kept, the one before it is released once its threads were quiet for
// CLOSE_QUIET_MS; the library (nothing enabled) releases at once. This worker enables it, so it opens
// no real PC/SC context (test/cli/bin-pcsc.test.ts runs the CLI as a process through pcscd).
import test from 'ava';
import { CLOSE_QUIET_MS, keepForExit, pcscLeftForExit, pcscReleasedAtExit, releasePcscAtExit } from '../../src/transport/pcsc-binding.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('kept for the end of the process: only the last discovery; the one before is released once quiet', async (t) => {
  t.false(pcscReleasedAtExit(), 'nothing enabled: the library releases at once');
  t.false(pcscLeftForExit());
  releasePcscAtExit();
  t.true(pcscReleasedAtExit());
  const released: string[] = [];
  const old = Date.now() - 10 * CLOSE_QUIET_MS;
  keepForExit(
    () => released.push('a'),
    () => old,
  );
  t.true(pcscLeftForExit());
  t.deepEqual(released, []);
  keepForExit(
    () => released.push('b'),
    () => Date.now(),
  );
  t.deepEqual(released, ['a'], 'a, quiet for long, is released when b is kept');
  keepForExit(
    () => released.push('c'),
    () => Date.now(),
  );
  t.deepEqual(released, ['a'], 'b had an event just now: not released yet');
  await sleep(CLOSE_QUIET_MS + 30);
  t.deepEqual(released, ['a', 'b'], 'b released once quiet');
  t.true(pcscLeftForExit(), 'c is kept');
});
