// The explorer's `fleet` (= `fleet status`): this session's card beside the SmartCard-HSMs in the
// other readers, read-only and PIN-less, through the REAL PC/SC stack (pcscd + vpcd) and on the
// simulator. Expected values are independent: the DKEK KCV of the peer share file (sc-hsm-tool's), the
// public-key fingerprint computed with node:crypto from `schsm keys export-pub`, the SELECT APDU of §2.3.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';
import { requirePcscd, withVirtualCards } from '../helpers/vpcd.ts';
import { consistentPool, fingerprintOf } from '../cli/ops/fleet-pool.ts';
import { explore, hexes, PEER_SHARE, tempDir, USER_PIN } from './helpers.ts';

function cli(argv: readonly string[], cwd: string): Promise<CliResult> {
  return runCliCaptured(argv, { cwd, env: { XDG_STATE_HOME: cwd }, open: openDefaultTransport });
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'gm'))?.length ?? 0;

test.serial(
  'fleet over pcscd: two cards with the same keys are consistent; the PIN state of the session survives; a deleted key shows',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    const sims = await consistentPool(); // A and B: the peer DKEK, an EC and an AES key cloned from A to B
    const fp = await fingerprintOf(sims.A, 1);
    await withVirtualCards([sims.A, sims.B], async ([ra, rb]) => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, 's.txt'),
        [
          'fleet',
          `verify user ${USER_PIN}`,
          'fleet status',
          `fleet status ${ra.index} "${rb.readerName}"`,
          // both need the user PIN and come after fleet without a second verify: the session stayed logged in
          'keys sign 1 ECDSA-SHA256 --text hello',
          'keys delete --ref 1 --yes',
          'fleet',
        ].join('\n'),
      );
      const r = await cli(['explore', '--reader', ra.readerName, '--script', 's.txt'], dir);
      t.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const out = r.stdout;
      t.is(count(out, /^comparing this session's card \(device 1\) with 1 other reader\(s\)$/), 4);
      t.regex(out, new RegExp(`^${ra.index}: this session's card \\(device 1\\), read through the session$`, 'm'));
      t.is(count(out, new RegExp(`^Device 1: UTSM\\d{7} \\(${esc(ra.readerName)}\\)`)), 4);
      t.is(count(out, new RegExp(`^Device 2: UTSM\\d{7} \\(${esc(rb.readerName)}\\)`)), 4);
      t.is(count(out, new RegExp(`^ {2}DKEK KCV ${PEER_SHARE.kcv}$`)), 8);
      t.is(count(out, /^Consistent: 2 device\(s\), same DKEK and the same 2 key\(s\) on each$/), 3);
      t.is(count(out, new RegExp(`^ {2}key ref 1 {2}EC prime256v1 {2}"ec:prime256v1" {2}ID [0-9a-f]+ {2}SHA-256 ${fp}$`)), 7);
      // no AES check value without a PIN: said, and the way to get one named
      t.regex(out, /^ {2}key ref 2 {2}AES 128 {2}"aes:128" {2}ID 02 {2}check value not computed .*schsm fleet status --pin-env VAR/m);
      // the session's user PIN: verified on device 1 after `verify user`, nothing spent on device 2
      t.regex(out, /^ {2}firmware \d+\.\d+, user PIN verified, /m);
      t.regex(out, /ECDSA-SHA256 signature by key 1 \(\d+ bytes\), verified with the key's public key/);
      t.false(sims.A.state.keys.has(1), 'deleted in the session, with the PIN verified before fleet');
      t.true(sims.B.state.keys.has(1));
      // after the deletion: the key is named as the difference
      t.regex(out, /^Differs: key ID [0-9a-f]+ "ec:prime256v1"$/m);
      t.regex(out, new RegExp(`^ {2}\\* device 1 UTSM\\d{7} \\(${esc(ra.readerName)}\\): missing$`, 'm'));
      t.regex(
        out,
        new RegExp(`^ {2}\\* device 2 UTSM\\d{7} \\(${esc(rb.readerName)}\\): EC prime256v1, "ec:prime256v1", SHA-256 ${fp}$`, 'm'),
      );
      t.regex(out, /^NOT consistent: device 1, device 2 differ from the others\n$/m);
      t.is(sims.A.state.userPin?.retries, 3);
      t.is(sims.B.state.userPin?.retries, 3, 'no PIN try on the other card');
    });
  },
);

test('fleet on the simulator (`explore --sim`): no other readers, this card alone', async (t) => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 's.txt'), 'fleet\n');
  const r = await cli(['explore', '--sim', '--script', 's.txt'], dir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^no other readers are available: the explorer runs on the simulator \(no PC\/SC\); comparing this card alone$/m);
  t.regex(r.stdout, /^Device 1: UTSM\d{7} \(/m);
  t.regex(r.stdout, /^Consistent: 1 device\(s\), same DKEK and the same 0 key\(s\) on each$/m);
});

test('fleet reads the session card without a PIN and without selecting the applet again; named cards are opened beside it', async (t) => {
  const sims = await consistentPool();
  const r = await explore(sims.A, ['fleet status B', 'fleet C'], {
    openOther: async (reader) => createSimulatorTransport({ simulator: reader === 'B' ? sims.B : sims.C }),
  });
  t.is(r.code, 0, r.stderr);
  t.is(count(r.stdout, /^Consistent: 2 device\(s\), same DKEK and the same 2 key\(s\) on each$/), 2);
  // on the session's card: one SELECT of the applet (the connect, §2.3: another would log out), no VERIFY with a PIN
  const selects = hexes(r.apdus).filter((a) => a.startsWith('00A404000BE82B0601040181C31F0201'));
  t.is(selects.length, 1);
  t.false(
    hexes(r.apdus).some((a) => a.startsWith('00200081') && a.length > 8),
    'VERIFY only as a status query (no data)',
  );
  t.regex(r.stdout, /^Not verified: key ID 02: its AES check value is not known on every device/m);
});
