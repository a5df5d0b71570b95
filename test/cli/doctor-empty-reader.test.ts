/**
 * Issue 11 item 12: `doctor --reader X` with X empty says that reader X has no card (not "no card in
 * any reader", which is wrong when other readers hold cards). Through the real pcscd: both vpcd readers
 * held, a card in one, the other left empty.
 */
import test from 'ava';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { runSchsm } from '../helpers/cli.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';

test('doctor --reader EMPTY: "reader … has no card", exit 3; the JSON finding names the reader', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(
    new SmartCardHsmSimulator(),
    async ({ readerName }) => {
      const list = JSON.parse((await runSchsm(['readers', '--json'], openDefaultTransport)).stdout) as {
        name: string;
        cardPresent: boolean;
      }[];
      const empty = list.find((r) => r.name !== readerName && /Virtual PCD/.test(r.name) && !r.cardPresent);
      if (empty === undefined) return t.fail(`no empty vpcd reader besides ${readerName}: ${JSON.stringify(list)}`);
      const r = await runSchsm(['doctor', '--reader', empty.name], openDefaultTransport);
      t.is(r.code, EXIT.NO_CARD, r.stdout + r.stderr);
      t.regex(r.stdout, new RegExp(`\\[FAIL\\] card: reader "${empty.name}" has no card`));
      t.notRegex(r.stdout, /no card in any reader/);
      const json = await runSchsm(['doctor', '--reader', empty.name, '--json'], openDefaultTransport);
      const doc = JSON.parse(json.stdout) as { findings: { check: string; verdict: string; detail: string; reader?: string }[] };
      t.like(
        doc.findings.find((f) => f.verdict === 'fail'),
        { check: 'card', reader: empty.name, detail: `reader "${empty.name}" has no card` },
      );
    },
    { allReaders: true },
  );
});
