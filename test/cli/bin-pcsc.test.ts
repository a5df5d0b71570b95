// The CLI as a process through pcscd to the simulator behind vpcd (issue 11 item 3): a command that used
// PC/SC leaves the reader status threads to the end of the process (releasePcscAtExit in src/transport/pcsc-binding.ts) and
// bin.ts's main ends it; every run must end by itself, with its whole output and its exit code.
import test from 'ava';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { buildPackage, runNode } from '../helpers/package-build.ts';

const run = (args: readonly string[], cwd: string) => runNode(args, cwd, { timeoutMs: 60_000 });
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';

test('bin/schsm.js through pcscd: readers and apdu --reader end by themselves, output and exit codes intact', async (t) => {
  t.timeout(600_000);
  if (!(await requirePcscd(t))) return;
  const dir = await buildPackage();
  await withVirtualCard(new SmartCardHsmSimulator(), async ({ readerName }) => {
    for (let i = 0; i < 5; i++) {
      // in parallel, as on a loaded machine: each process must still end (a lost SCardCancel hung one before)
      const [list, select, refused] = await Promise.all([
        run(['bin/schsm.js', 'readers', '--json'], dir),
        run(['bin/schsm.js', 'apdu', '--reader', readerName, '00A40400:E82B0601040181C31F0201/00'], dir),
        run(['bin/schsm.js', 'apdu', '--reader', readerName, '00200081'], dir),
      ]);
      t.is(list.code, 0, list.stderr);
      const readers = JSON.parse(list.stdout) as { name: string; cardPresent: boolean }[];
      t.true(
        readers.some((r) => r.name === readerName && r.cardPresent),
        list.stdout,
      );
      t.is(select.code, 0, select.stderr);
      t.regex(select.stdout, /^=> 00 A4 04 00 \| 0B \| E8 2B 06 01 04 01 81 C3 1F 02 01 \| 00\n/);
      t.regex(select.stdout, /\| 90 00 /);
      t.regex(select.stdout, /85 proprietary \(SmartCard-HSM options, type, version\)/, 'the whole output, up to its last lines');
      t.is(refused.code, 1, 'VERIFY refused by the card (6E00, or 6A88 once a parallel run selected the applet): exit 1 as before');
      t.regex(refused.stderr, /^error: 00200081: expected SW 9000 or 61xx, got 6(E00|A88) /);
    }
  });
});
