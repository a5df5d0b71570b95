// Issue 9 finding 14: the explorer's `put C401 file` silently overwrote a key's PRKD (after which
// `keys wrap` failed on that key) while `rm CC01` was protected. Every hand-made change of an EF that
// makes up or describes a key (PRKD C4xx, certificate/request CExx, CCxx, C_DevAut 2F02, …) is refused
// without --allow-key-file (never --force, which only overwrites local files), in the explorer and in the library (replaceFile), and nothing is sent to the card.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { replaceFile } from '../../src/card/files.ts';
import { keyFileRole } from '../../src/card/key-files.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { RefusedError } from '../../src/transport/errors.ts';
import { explore, hexes, initialisedSim, sent, sessionWithPrompter, tempDir, USER_PIN } from './helpers.ts';

const login = `verify user ${USER_PIN}`;

/** APDUs that change EF `fid` (UPDATE BINARY odd INS D7 P1P2 = FID; DELETE FILE E4 with the FID as data). */
function changes(apdus: readonly Uint8Array[], fid: string): string[] {
  return hexes(apdus).filter((h) => h.startsWith(`00D7${fid}`) || h === `00E4020002${fid}`);
}

test('put C401 / update_binary C401 / rm C401 without --allow-key-file: refused, nothing sent, the PRKD still describes the key', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'junk.bin'), Buffer.from('DEADBEEF', 'hex'));
  const gen = await explore(sim, [login, 'keys generate ec:prime256v1 --label kept'], { cwd: dir });
  t.is(gen.code, 0, gen.stderr);
  for (const line of [
    'put C401 junk.bin',
    'update_binary C401 0 00',
    'rm C401',
    'put CE01 junk.bin',
    'create C402',
    'update_binary 2F02 0 00',
  ]) {
    const r = await explore(sim, [login, line], { cwd: dir });
    t.is(r.code, 1, line);
    t.regex(
      r.stderr,
      /is (the description \(PRKD\) of key 1|the certificate or CV request of key 1|the description \(PRKD\) of key 2|the device certificates)/,
      line,
    );
    t.regex(r.stderr, /add --allow-key-file if you mean it/, line);
    t.deepEqual(changes(r.apdus, line.split(' ')[1] ?? ''), [], `${line}: nothing sent`);
  }
  const ls = await explore(sim, [login, 'cat C401'], { cwd: dir });
  t.regex(ls.stdout, /"kept"/, 'the PRKD still describes the key');
});

test('put C401 --allow-key-file overwrites it (the documented override), as rm CC01 --allow-key-file deletes a key', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'prkd.bin'), Buffer.from('A0 03 02 01 00'.replace(/ /g, ''), 'hex'));
  const r = await explore(sim, [login, 'keys generate ec:prime256v1', 'put C401 prkd.bin --allow-key-file'], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  t.true(changes(r.apdus, 'C401').some((h) => h.startsWith('00D7C401')));
});

test('ordinary EFs stay writable without --allow-key-file', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [login, 'update_binary CF01 0 "x"', 'rm CF01']);
  t.is(r.code, 0, r.stderr);
});

test('rm of a key-related EF with --allow-key-file (before or after the FID) deletes it; rm of an ordinary EF asks nothing', async (t) => {
  const sim = await initialisedSim();
  const gen = await explore(sim, [login, 'keys generate ec:prime256v1']);
  t.is(gen.code, 0, gen.stderr);
  const r = await explore(sim, [login, 'rm C401 --allow-key-file', 'rm --allow-key-file CE01', 'ls C401', 'ls CE01']);
  t.is(r.code, 0, r.stderr);
  // DELETE FILE 00 E4 02 00 | 02 | FID (§3.4)
  t.true(sent(r.apdus, '00 E4 02 00 02 C4 01'), 'the PRKD of key 1');
  t.true(sent(r.apdus, '00 E4 02 00 02 CE 01'), 'the CV request of key 1');
  t.regex(r.stdout, /deleted C401\ndeleted CE01\n\(no object matches\)\n\(no object matches\)/);
  // interactive: a prompter that fails on any question proves rm of an ordinary EF asks none
  const { asked, run, apdus } = await sessionWithPrompter(sim, [USER_PIN]);
  await run('verify user');
  await run('update_binary CF01 0 "x"');
  await run('rm CF01');
  t.deepEqual(asked, [['User PIN: ', true]], 'only the PIN prompt of verify');
  t.true(sent(apdus, '00 E4 02 00 02 CF 01'));
});

test('the explorer help rm says which EFs need --allow-key-file and that others go without asking', async (t) => {
  const r = await explore(await initialisedSim(), ['help rm']);
  t.is(r.code, 0, r.stderr);
  t.regex(
    r.stdout,
    /delete\|rm FID \[--allow-key-file\] +delete an EF without asking; a key or a key-related EF \(CCxx, C4xx, CExx, CBxx, CAxx, C8xx, 2F02\) only with --allow-key-file/,
  );
  t.regex(r.stdout, /rm C401 --allow-key-file +the PRKD of key 1/);
});

test('library: replaceFile refuses a key-related EF (RefusedError, exit 4) unless { allowKeyFile: true }', async (t) => {
  const sim = await initialisedSim();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  const err = await t.throwsAsync(replaceFile(card, 0xc401, Uint8Array.of(1)), { instanceOf: RefusedError });
  t.is(exitCodeFor(err), 4);
  t.regex(err?.message ?? '', /^C401 is the description \(PRKD\) of key 1: overwriting it/);
  await card.close();
});

test('which EFs count as key-related', (t) => {
  for (const fid of [0xc401, 0xce01, 0xcc01, 0xcc00, 0x2f02, 0xca01, 0xc801, 0xcb01]) t.not(keyFileRole(fid), undefined, fid.toString(16));
  for (const fid of [0xcf01, 0xcd01, 0xc901, 0x2f03, 0x2f10]) t.is(keyFileRole(fid), undefined, fid.toString(16));
});
