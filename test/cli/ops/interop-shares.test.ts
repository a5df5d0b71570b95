/**
 * INTEROPERABILITY of DKEK share files with sc-hsm-tool, through the real pcscd: the simulator is a
 * virtual card behind vpcd; schsm and sc-hsm-tool talk to it like to a token. Never skipped in CI.
 * Cost: 2 schsm derivations (~2.6 s each) and 1 sc-hsm-tool derivation (~11 s).
 */
import test from 'ava';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, PEER_SHARE, SO_PIN, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

const PASSWORD = 'Interop-Share-Pass';
const env = { SO: SO_PIN, P: USER_PIN, PW: PASSWORD, PEER: PEER_SHARE.password };

/** `sc-hsm-tool` with no action: its status lines (04/06/09 traces). */
async function scHsmToolStatus(readerName: string): Promise<string> {
  const r = await runTool('sc-hsm-tool', ['-r', String(await openscReaderIndex(readerName))]);
  return r.stdout;
}

test.serial(
  'a share file made by schsm imports with sc-hsm-tool --import-dkek-share --password; both tools then show its KCV',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    const dir = tempDir();
    const created = await runPcsc('', ['dkek', 'create-share', 'schsm.pbe', '--password-env', 'PW'], { env, cwd: dir });
    t.is(created.code, EXIT.OK, created.stderr);
    const kcv = /KCV of this share +: ([0-9A-F]{16})/.exec(created.stdout)?.[1] ?? 'missing';
    await withVirtualCard(newSim(), async (reader) => {
      const init = await runPcsc(reader.readerName, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '1'], {
        env,
      });
      t.is(init.code, EXIT.OK, init.stderr);
      const idx = String(await openscReaderIndex(reader.readerName));
      const imp = await runTool('sc-hsm-tool', ['-r', idx, '--import-dkek-share', `${dir}/schsm.pbe`, '--password', PASSWORD], 120_000);
      t.is(imp.code, 0, imp.stdout + imp.stderr);
      t.regex(imp.stdout, new RegExp(`DKEK key check value : ${kcv}`));
      t.regex(await scHsmToolStatus(reader.readerName), new RegExp(`^DKEK key check value : ${kcv}$`, 'm'));
      const ours = await runPcsc(reader.readerName, ['dkek', 'status']);
      t.is(ours.stdout, `DKEK shares          : 1\nDKEK key check value : ${kcv}\n`);
    });
  },
);

test.serial(
  "a share file made by sc-hsm-tool (the peer trace's 07-dkek-share-1.pbe) imports with schsm; sc-hsm-tool shows the same KCV",
  async (t) => {
    if (!(await requirePcscd(t))) return;
    await withVirtualCard(newSim(), async (reader) => {
      t.is(
        (await runPcsc(reader.readerName, ['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '1'], { env })).code,
        EXIT.OK,
      );
      t.regex(await scHsmToolStatus(reader.readerName), /DKEK import pending, 1 share\(s\) still missing/);
      const imp = await runPcsc(reader.readerName, ['dkek', 'import-share', PEER_SHARE.file, '--password-env', 'PEER'], { env });
      t.is(imp.code, EXIT.OK, imp.stderr);
      t.regex(imp.stdout, new RegExp(`DKEK key check value : ${PEER_SHARE.kcv}`));
      const theirs = await scHsmToolStatus(reader.readerName);
      t.regex(theirs, new RegExp(`^DKEK key check value : ${PEER_SHARE.kcv}$`, 'm'));
      t.regex(theirs, /^User PIN tries left {2}: 3$/m);
      const status = await runPcsc(reader.readerName, ['status']);
      t.is(status.code, EXIT.OK);
      t.regex(status.stdout, new RegExp(`^DKEK key check value : ${PEER_SHARE.kcv}$`, 'm'));
      t.regex(status.stdout, new RegExp(`^Reader {15}: ${reader.readerName}$`, 'm'));
    });
  },
);
