// create, delete|rm, update_binary, get, put, random: bytes on the wire (§3.3, §3.4, §3.19) and the
// local files (mode 0600, never overwritten without --force).
import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { explore, initialisedSim, sent, tempDir, USER_PIN } from './helpers.ts';

const login = `verify user ${USER_PIN}`;

test('create sends the empty UPDATE BINARY; an existing EF or a key FID is refused', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [login, 'create CF01 64', 'info CF01']);
  t.is(r.code, 0, r.stderr);
  // 00 D7 CF 01 | 06 | 54 02 00 00 | 53 00  (OpenSC sc_hsm_create_file, §3.3)
  t.true(sent(r.apdus, '00 D7 CF 01 06 54 02 00 00 53 00'));
  t.regex(r.stdout, /created CF01 \(empty\)/);
  t.regex(r.stdout, /size: +0 bytes/);
  const again = await explore(sim, [login, 'create CF01']);
  t.is(again.code, 1);
  t.regex(again.stderr, /CF01 exists/);
  const key = await explore(sim, [login, 'create CC05']);
  t.regex(key.stderr, /CC05 is a key, not an EF/);
  const noPin = await explore(sim, 'create CF02');
  t.is(noPin.code, 1);
  t.regex(noPin.stderr, /SW=6982/);
});

test('update_binary writes hex or text at an offset; cat shows the result', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [login, 'update_binary CF01 0 "hello"', 'update_binary CF01 5 20:77:6F:72:6C:64', 'cat CF01']);
  t.is(r.code, 0, r.stderr);
  // 00 D7 CF 01 | 0B | 54 02 00 00 | 53 05 "hello"  and  … 54 02 00 05 | 53 06 " world" (§3.3)
  t.true(sent(r.apdus, '00 D7 CF 01 0B 54 02 00 00 53 05 68656C6C6F'));
  t.true(sent(r.apdus, '00 D7 CF 01 0C 54 02 00 05 53 06 20776F726C64'));
  t.regex(r.stdout, /^0000 {2}68 65 6C 6C 6F 20 77 6F 72 6C 64 +hello world$/m);
  const bad = await explore(sim, [login, 'update_binary CF01 x 00']);
  t.regex(bad.stderr, /offset must be a number/);
});

test('delete and rm remove an EF; a key needs --allow-key-file (--force never lifts it)', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [login, 'create CF01', 'create CF02', 'delete CF01', 'rm CF02', 'ls CF*']);
  t.is(r.code, 0, r.stderr);
  // DELETE FILE 00 E4 02 00 | 02 | CF 01 (§3.4)
  t.true(sent(r.apdus, '00 E4 02 00 02 CF 01'));
  t.true(sent(r.apdus, '00 E4 02 00 02 CF 02'));
  t.regex(r.stdout, /\(no object matches\)/);
  const key = await explore(sim, [login, 'keys generate ec:prime256v1', 'rm CC01']);
  t.is(key.code, 1);
  t.regex(key.stderr, /CC01 is key 1: deleting it destroys the key for good/);
  t.false(sent(key.apdus, '00 E4 02 00 02 CC 01'));
  // --force only ever overwrites local files: on rm it is no option at all, and nothing is deleted
  const notForce = await explore(sim, [login, 'rm CC01 --force']);
  t.not(notForce.code, 0);
  t.false(sent(notForce.apdus, '00 E4 02 00 02 CC 01'));
  const forced = await explore(sim, [login, 'rm CC01 --allow-key-file', 'ls CC01']);
  t.is(forced.code, 0, forced.stderr);
  t.true(sent(forced.apdus, '00 E4 02 00 02 CC 01'));
  t.regex(forced.stdout, /no object matches/);
  const missing = await explore(sim, [login, 'rm CF77']);
  t.regex(missing.stderr, /SW=6A82/);
});

test('get writes FID.bin (0600) and refuses to overwrite without --force; put replaces an EF', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  writeFileSync(path.join(dir, 'in.bin'), Buffer.from('0102030405', 'hex'));
  const r = await explore(sim, [login, 'put CF10 in.bin', 'get CF10', 'get CF10 copy.bin'], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  // put = DELETE FILE (absent here: 6A82 is fine), then UPDATE BINARY 00 D7 CF 10 | 0B | 54 02 00 00 | 53 05 0102030405
  t.true(sent(r.apdus, '00 D7 CF 10 0B 54 02 00 00 53 05 0102030405'));
  t.deepEqual(readFileSync(path.join(dir, 'CF10.bin')), Buffer.from('0102030405', 'hex'));
  t.is(statSync(path.join(dir, 'CF10.bin')).mode & 0o777, 0o600);
  t.is(statSync(path.join(dir, 'copy.bin')).mode & 0o777, 0o600);
  const again = await explore(sim, ['get CF10'], { cwd: dir });
  t.is(again.code, 1);
  t.regex(again.stderr, /CF10\.bin already exists; the explorer does not overwrite files/);
  writeFileSync(path.join(dir, 'short.bin'), Buffer.from('AA', 'hex'));
  const replaced = await explore(sim, [login, 'put CF10 short.bin', 'get CF10 --force'], { cwd: dir });
  t.is(replaced.code, 0, replaced.stderr);
  t.true(sent(replaced.apdus, '00 E4 02 00 02 CF 10'), 'put deletes first, so no stale tail remains');
  t.deepEqual(readFileSync(path.join(dir, 'CF10.bin')), Buffer.from('AA', 'hex'));
  const missing = await explore(sim, [login, 'put CF11 nope.bin'], { cwd: dir });
  t.regex(missing.stderr, /file nope\.bin: no such file/);
});

test('random N shows a hexdump of N card bytes or writes them (0600)', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  const r = await explore(sim, ['random 20', 'random 300 rnd.bin'], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  // GET CHALLENGE 00 84 00 00 | 14 (§3.19); 300 bytes → extended Le 00 01 2C
  t.true(sent(r.apdus, '00 84 00 00 14'));
  t.true(sent(r.apdus, '00 84 00 00 00 01 2C'));
  t.regex(r.stdout, /^0000 {2}([0-9A-F]{2} ){15}[0-9A-F]{2} /m);
  // the ASCII column holds any printable byte, a space (0x20) included: the bytes are random
  t.regex(r.stdout, /^0010 {2}([0-9A-F]{2} ){3}[0-9A-F]{2} {2,}[ -~]{4}$/m);
  t.is(readFileSync(path.join(dir, 'rnd.bin')).length, 300);
  t.is(statSync(path.join(dir, 'rnd.bin')).mode & 0o777, 0o600);
  const bad = await explore(sim, 'random 0');
  t.regex(bad.stderr, /N must be a number 1\.\.65536/);
});
