/**
 * Key domains through the REAL pcscd (simulator behind vpcd), next to OpenSC's sc-hsm-tool on the same
 * reader (never skipped in CI). sc-hsm-tool 0.23 has no key-domain options, but its --wrap-key and
 * --unwrap-key work on a key-domain device: the card wraps a key under its own domain's KEK and
 * unwraps a blob into the domain whose KCV it carries (§3.10). KCVs are literals: 6C609824B9CA28EB
 * is the peer share's (fixtures/ops/README.md); domain 1 holds the DKEK 01 02 … 20.
 */
import test from 'ava';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../../src/apdu/hex.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../../src/card/commands/initialize-device.ts';
import { importDkekShare } from '../../../src/card/commands/import-dkek-share.ts';
import { createDkekKeyDomain } from '../../../src/card/commands/create-dkek-key-domain.ts';
import { verifyPin } from '../../../src/card/commands/verify-pin.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport } from '../../../src/sim/index.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, PEER_SHARE, SO_PIN, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

const DOMAIN1_SHARE = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
/** SHA-256(01 02 … 20)[0..8]: `printf … | xxd -r -p | openssl dgst -sha256` → ae216c2ef5247a37… */
const DOMAIN1_KCV = 'AE216C2EF5247A37';

test.serial(
  'key domains over pcscd: domain list, keys generate --domain 1, sc-hsm-tool wraps under domain 1 and unwraps into it',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    const sim = newSim();
    const setup = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
    await initializeDevice(setup, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, dkekShares: 1, keyDomains: 2 });
    await importDkekShare(setup, fromHex(PEER_SHARE.share));
    await verifyPin(setup, { pin: USER_PIN });
    await createDkekKeyDomain(setup, 1, 1);
    await importDkekShare(setup, fromHex(DOMAIN1_SHARE), 1);
    await setup.close();
    const dir = tempDir();
    await withVirtualCard(sim, async (reader) => {
      const run = (argv: string[]) => runPcsc(reader.readerName, argv, { env: { P: USER_PIN }, cwd: dir });
      const idx = String(await openscReaderIndex(reader.readerName));
      const list = await run(['domain', 'list']);
      t.is(list.code, EXIT.OK, list.stderr);
      t.is(
        list.stdout,
        `domain 0  DKEK  1 share(s)  complete  KCV ${PEER_SHARE.kcv}\ndomain 1  DKEK  1 share(s)  complete  KCV ${DOMAIN1_KCV}\n`,
      );
      // sc-hsm-tool's status shows domain 0's DKEK (it queries 80 52 00 00 only)
      const info = await runTool('sc-hsm-tool', ['-r', idx]);
      t.regex(info.stdout, new RegExp(`DKEK key check value : ${PEER_SHARE.kcv}`));

      const g = await run([
        'keys',
        'generate',
        '--type',
        'ec:prime256v1',
        '--ref',
        '1',
        '--label',
        'in domain 1',
        '--domain',
        '1',
        '--pin-env',
        'P',
      ]);
      t.is(g.code, EXIT.OK, g.stderr);
      const w = await runTool('sc-hsm-tool', [
        '-r',
        idx,
        '--wrap-key',
        path.join(dir, 'd1.bin'),
        '--key-reference',
        '1',
        '--pin',
        USER_PIN,
      ]);
      t.is(w.code, 0, w.stdout + w.stderr);
      const blob = readFileSync(path.join(dir, 'd1.bin'));
      t.is(blob.subarray(8, 16).toString('hex').toUpperCase(), DOMAIN1_KCV, "sc-hsm-tool's blob carries domain 1's KCV");

      const u = await runTool('sc-hsm-tool', [
        '-r',
        idx,
        '--unwrap-key',
        path.join(dir, 'd1.bin'),
        '--key-reference',
        '2',
        '--pin',
        USER_PIN,
      ]);
      t.is(u.code, 0, u.stdout + u.stderr);
      t.is(sim.state.keys.get(2)?.domain, 1, 'the card put the unwrapped key into domain 1 (by KCV)');
      const wrong = await run(['keys', 'unwrap', 'd1.bin', '--ref', '3', '--domain', '0', '--pin-env', 'P']);
      t.is(wrong.code, EXIT.FAILED, 'domain 0 KCV differs: refused before the PIN');
      t.regex(wrong.stderr, new RegExp(`${DOMAIN1_KCV}[\\s\\S]*${PEER_SHARE.kcv}|${PEER_SHARE.kcv}[\\s\\S]*${DOMAIN1_KCV}`));
      const ours = await run(['keys', 'unwrap', 'd1.bin', '--ref', '3', '--domain', '1', '--pin-env', 'P', '--json']);
      t.is(ours.code, EXIT.OK, ours.stderr);
      t.like(JSON.parse(ours.stdout), { ref: 3, domain: 1, kcv: DOMAIN1_KCV, keyCheck: 'verified' });
    });
  },
);
