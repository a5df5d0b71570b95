// close() of the PC/SC transport must never block the JS main thread while one of its binding
// operations is outstanding: the binding's reader.close() takes the reader's mutex synchronously,
// and when the card is served from the same process (serveVpcd), the outstanding SCardTransmit waits
// for an answer only that thread can give. Outside CI this passes vacuously when pcscd is missing.
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockAnyPort, LOCK_WAIT_MS } from '../helpers/vpcd-lock.ts';
import { requirePcscd, runTool, VPCD_PORTS } from '../helpers/vpcd.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'close-during-transmit.child.ts');

test.serial('close() during an outstanding transmit to a card served by the same process returns; the card still answers', async (t) => {
  if (!(await requirePcscd(t))) return;
  const lock = await lockAnyPort(VPCD_PORTS, `pcsc-close test pid ${process.pid}`, LOCK_WAIT_MS);
  try {
    const run = await runTool(process.execPath, ['--import', 'tsx', CHILD, String(lock.port)], 40_000);
    t.is(run.code, 0, `the child deadlocked or failed (exit ${run.code}; killed after 40 s means deadlock):\n${run.stdout}${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { closedMs: number; answeredMs: number; response: string };
    t.log(`close() returned after ${result.closedMs} ms; the slow APDU was answered after ${result.answeredMs} ms`);
    t.true(result.closedMs < 3000, 'close() did not wait for the 4 s APDU (a generous margin for a loaded machine)');
    t.true(result.answeredMs >= 4000, 'the card took its 4 s');
    t.is(result.response, '5a9000', 'ECHO answered data ‖ 9000 although the transport was closed meanwhile');
  } finally {
    await lock.release();
  }
});
