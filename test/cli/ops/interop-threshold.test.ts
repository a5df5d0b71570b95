/**
 * INTEROPERABILITY of threshold-split share passwords with sc-hsm-tool (§8.3), through the real
 * pcscd, never skipped in CI. sc-hsm-tool is driven through a pseudo-terminal (`script`), as a person
 * would: its screens are cleared between shares and it waits for <enter>.
 * Cost: 2 schsm derivations (~2.6 s each), 2 sc-hsm-tool derivations (~11 s each).
 */
import test from 'ava';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { openscReaderIndex, requirePcscd, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, SO_PIN, tempDir, USER_PIN } from './helpers.ts';
import { inPty, plain, runPcsc } from './pcsc.ts';

const env = { SO: SO_PIN, P: USER_PIN };

interface ToolShare {
  prime: string;
  id: string;
  value: string;
}

/** The shares sc-hsm-tool displayed ("Share n of m" screens). */
function toolShares(screen: string): ToolShare[] {
  return [...plain(screen).matchAll(/Prime +: ([0-9a-f:]+)\nShare ID +: (\d+)\nShare value : ([0-9a-f:]+)/g)].map((m) => ({
    prime: m[1] ?? '',
    id: m[2] ?? '',
    value: m[3] ?? '',
  }));
}

test.serial('sc-hsm-tool --pwd-shares-threshold 2 --pwd-shares-total 3 → schsm imports the file with two of its shares', async (t) => {
  if (!(await requirePcscd(t))) return;
  const dir = tempDir();
  await withVirtualCard(newSim(), async (reader) => {
    t.is(
      (await runPcsc(reader.readerName, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '1'], { env })).code,
      EXIT.OK,
    );
    const idx = await openscReaderIndex(reader.readerName);
    const made = await inPty(
      `sc-hsm-tool -r ${idx} --create-dkek-share ${dir}/tool.pbe --pwd-shares-threshold 2 --pwd-shares-total 3`,
      '\n'.repeat(7),
    );
    t.is(made.code, 0, made.stdout);
    t.regex(plain(made.stdout), /DKEK share created and saved/);
    const shares = toolShares(made.stdout);
    t.is(shares.length, 3);
    const [s1, s2, s3] = shares as [ToolShare, ToolShare, ToolShare];
    void s1;
    // schsm reads the prime once, then (ID, value) pairs — the order of sc-hsm-tool's own prompts
    const imp = await runPcsc(reader.readerName, ['dkek', 'import-share', 'tool.pbe', '--threshold-shares', '2'], {
      cwd: dir,
      stdin: `${s2.prime}\n${s3.id}\n${s3.value}\n${s2.id}\n${s2.value}\n`,
    });
    t.is(imp.code, EXIT.OK, imp.stderr);
    t.regex(imp.stdout, /^DKEK key check value : [0-9A-F]{16}$/m);
  });
});

test.serial(
  'schsm create-share --threshold 2 --total 3 → sc-hsm-tool --import-dkek-share --pwd-shares-total 2 gets the same KCV',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    const dir = tempDir();
    const made = await runPcsc('', ['dkek', 'create-share', 'ours.pbe', '--threshold', '2', '--total', '3', '--json'], { cwd: dir });
    t.is(made.code, EXIT.OK, made.stderr);
    const j = JSON.parse(made.stdout) as { shareKcv: string; passwordShares: { prime: string; shares: { id: string; value: string }[] } };
    const { prime, shares } = j.passwordShares;
    const [a, , c] = shares as [{ id: string; value: string }, unknown, { id: string; value: string }];
    await withVirtualCard(newSim(), async (reader) => {
      t.is(
        (await runPcsc(reader.readerName, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '1'], { env })).code,
        EXIT.OK,
      );
      const idx = await openscReaderIndex(reader.readerName);
      // prompts: prime, <enter>, ID, value, <enter>, ID, value
      const typed = [prime, '', c.id, c.value, '', a.id, a.value, ''].join('\n');
      const imp = await inPty(`sc-hsm-tool -r ${idx} --import-dkek-share ${dir}/ours.pbe --pwd-shares-total 2`, typed);
      t.is(imp.code, 0, imp.stdout);
      t.regex(plain(imp.stdout), new RegExp(`DKEK key check value : ${j.shareKcv}`));
      const status = await runPcsc(reader.readerName, ['dkek', 'status', '--json']);
      t.is(JSON.parse(status.stdout).kcv, j.shareKcv);
    });
  },
);
