import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../helpers/vpcd.ts';

// OpenSC's own tools against the simulator behind the real pcscd (vpcd): the card must be accepted
// as a SmartCard-HSM exactly as a CardContact token is. One card, one session, in order.

const PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const SHARE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'peer-opensc', '07-dkek-share-1.pbe');

test.serial('opensc-tool, sc-hsm-tool, pkcs15-tool and pkcs11-tool accept and drive the simulated card', async (t) => {
  t.timeout(600_000);
  if (!(await requirePcscd(t))) return;
  const sim = new SmartCardHsmSimulator();
  await withVirtualCard(
    sim,
    async (reader) => {
      const n = String(await openscReaderIndex(reader.readerName));
      const run = async (program: string, ...args: string[]) => {
        const r = await runTool(program, args, 180_000);
        t.is(r.code, 0, `${program} ${args.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
        return r.stdout;
      };
      const pkcs11 = (...args: string[]) => run('pkcs11-tool', '--module', PKCS11, '--slot-index', n, ...args);

      t.regex(await run('opensc-tool', '-l'), new RegExp(`^${n}\\s+Yes\\s+${reader.readerName}$`, 'm'), 'opensc-tool -l: card present');
      t.regex(await run('opensc-tool', '-r', n, '-a'), /^3b:fe:18:00:00:81:31:fe:45:80:31:81:54:48:53:4d:31:73:80:21:40:81:07:fa$/m);
      t.regex(await run('opensc-tool', '-r', n, '-n'), /^SmartCard-HSM Applet for JCOP version 3\.5$/m);
      t.regex(await run('sc-hsm-tool', '-r', n), /Version\s+: 3\.5\nSmartCard-HSM has never been initialized/);

      await run('sc-hsm-tool', '-r', n, '--initialize', '--so-pin', '3537363231383830', '--pin', '648219', '--dkek-shares', '1');
      const status = await run('sc-hsm-tool', '-r', n);
      for (const line of [
        /User PIN reset with SO-PIN enabled/,
        /SO-PIN tries left\s+: 15/,
        /User PIN tries left\s+: 3/,
        /DKEK shares\s+: 1/,
        /DKEK import pending, 1 share\(s\) still missing/,
      ])
        t.regex(status, line);

      const imported = await run('sc-hsm-tool', '-r', n, '--import-dkek-share', SHARE_FILE, '--password', 'Peer-DKEK-Pass-1');
      t.regex(imported, /DKEK key check value : 6C609824B9CA28EB/);

      const dump = await run('pkcs15-tool', '--reader', n, '-D');
      t.regex(dump, new RegExp(`Serial number\\s+: ${sim.state.serial}\\n`), 'serial = device CHR minus its last 5 characters');
      t.regex(dump, /PIN \[UserPIN\][\s\S]*Tries left\s+: 3/);

      t.regex(
        await pkcs11('-l', '--pin', '648219', '--keypairgen', '--key-type', 'EC:prime256v1', '--id', '11', '--label', 'ec256-11'),
        /Public Key Object; EC\s+EC_POINT 256 bits/,
      );
      t.regex(
        await pkcs11('-l', '--pin', '648219', '--keypairgen', '--key-type', 'rsa:2048', '--id', '10', '--label', 'rsa2048-10'),
        /Public Key Object; RSA 2048 bits/,
      );
      const objects = await pkcs11('-l', '--pin', '648219', '-O');
      t.regex(objects, /label:\s+ec256-11/);
      t.regex(objects, /label:\s+rsa2048-10/);
      t.deepEqual([...sim.state.keys.keys()].sort(), [1, 2], 'OpenSC chose the free key ids 1 and 2');
      t.is(sim.state.files.get(0xce01)?.[0], 0x67, 'CE01 holds the authenticated request OpenSC rewrote');
    },
    { allReaders: true },
  ); // pkcs11-tool connects to the cards in every reader
});
