// `schsm data list|put|get|delete` against the simulator: the C9xx bytes are OpenSC's (the layout
// pkcs11-tool --write-object produced, test/card/data-objects.test.ts), private objects need the PIN
// to read, files are written 0600 and never overwritten, labels are not silently duplicated.
import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../../src/apdu/hex.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, newSim, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN };

async function setup() {
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  writeFileSync(path.join(dir, 'cfg.json'), '{"mirror":"https://example.org"}\n');
  const run = (argv: string[], o: Parameters<typeof runOn>[2] = {}) => runOn(sim, argv, { env, cwd: dir, ...o });
  return { sim, dir, run };
}

test('put (private and public), list, get, delete; the description is OpenSC’s', async (t) => {
  const { sim, dir, run } = await setup();
  const p = await run(['data', 'put', 'cfg.json', '--label', 'mydata', '--application', 'myapp', '--oid', '1.2.3.4', '--pin-env', 'P']);
  t.is(p.code, EXIT.OK, p.stderr);
  t.is(p.stdout, 'stored 33 bytes as private data object "mydata" (CD00, C900)\n');
  t.is(
    toHex(sim.state.files.get(0xc900) ?? new Uint8Array()),
    '3027300F0C066D7964617461030206C0040101300C0C056D7961707006032A0304A10630040402CD00',
  );
  t.is((await run(['data', 'put', 'cfg.json', '--label', 'pubdata', '--no-private', '--pin-env', 'P'])).code, EXIT.OK);
  t.is(toHex(sim.state.files.get(0xc901) ?? new Uint8Array()), '3022300D0C07707562646174610302064030090C0770756264617461A10630040402CF01');
  const list = await run(['data', 'list', '--json']);
  t.deepEqual(JSON.parse(list.stdout), [
    { label: 'mydata', application: 'myapp', oid: '1.2.3.4', private: true, size: 33, fid: 'CD00', dcod: 'C900' },
    { label: 'pubdata', application: 'pubdata', oid: null, private: false, size: 33, fid: 'CF01', dcod: 'C901' },
  ]);
  t.regex(
    (await run(['data', 'list'])).stdout,
    /^Data object "mydata"\n {2}Application {3}: myapp\n {2}OID {11}: 1\.2\.3\.4\n {2}Access {8}: private \(read needs the user PIN\)\n {2}Size {10}: 33 bytes\n {2}Files {9}: CD00, description C900$/m,
  );
  const pub = await run(['data', 'get', '--fid', 'CF01'], { env: {} });
  t.is(pub.code, EXIT.OK, 'a public object needs no PIN');
  t.is(Buffer.from(pub.stdout.trim(), 'hex').toString(), readFileSync(path.join(dir, 'cfg.json'), 'utf8'));
  const priv = await run(['data', 'get', '--label', 'mydata', '--out', 'back.json', '--pin-env', 'P']);
  t.is(priv.code, EXIT.OK, priv.stderr);
  t.is(readFileSync(path.join(dir, 'back.json'), 'utf8'), readFileSync(path.join(dir, 'cfg.json'), 'utf8'));
  t.is(statSync(path.join(dir, 'back.json')).mode & 0o777, 0o600);
  t.is((await run(['data', 'get', '--label', 'mydata', '--out', 'back.json', '--pin-env', 'P'])).code, EXIT.REFUSED, 'never overwritten');
  assertNoSecrets(t, priv, [USER_PIN]);
  t.is((await run(['data', 'delete', '--label', 'mydata', '--pin-env', 'P'])).code, EXIT.REFUSED, 'needs --yes');
  const d = await run(['data', 'delete', '--label', 'mydata', '--pin-env', 'P', '--yes']);
  t.is(d.stdout, 'deleted "mydata" (CD00, C900): CD00, C900\n');
  t.false(sim.state.files.has(0xcd00) || sim.state.files.has(0xc900));
});

test('a second object with the same label is refused unless --replace; bad --oid and --fid are usage errors', async (t) => {
  const { run } = await setup();
  t.is((await run(['data', 'put', 'cfg.json', '--label', 'x', '--pin-env', 'P'])).code, EXIT.OK);
  const dup = await run(['data', 'put', 'cfg.json', '--label', 'x', '--pin-env', 'P']);
  t.is(dup.code, EXIT.REFUSED);
  t.regex(dup.stderr, /a data object labelled "x" exists \(CD00, C900\)[\s\S]*--replace/);
  const rep = await run(['data', 'put', 'cfg.json', '--label', 'x', '--no-private', '--replace', '--pin-env', 'P']);
  t.is(rep.code, EXIT.OK, rep.stderr);
  t.regex(rep.stdout, /public data object "x" \(CF00, C900\)/);
  t.deepEqual(
    JSON.parse((await run(['data', 'list', '--json'])).stdout).map((o: { fid: string }) => o.fid),
    ['CF00'],
    'the private CD00 is gone',
  );
  t.is((await run(['data', 'put', 'cfg.json', '--label', 'y', '--oid', 'not-an-oid', '--pin-env', 'P'])).code, EXIT.USAGE);
  t.is((await run(['data', 'get', '--fid', 'CC01'])).code, EXIT.USAGE);
  t.is((await run(['data', 'get'])).code, EXIT.USAGE);
  const none = await run(['data', 'get', '--label', 'nope']);
  t.regex(none.stderr, /no data object with label "nope"/);
});

test('reading a private object asks for the PIN (none given: refused as usage, nothing read)', async (t) => {
  const { run } = await setup();
  t.is((await run(['data', 'put', 'cfg.json', '--label', 's', '--pin-env', 'P'])).code, EXIT.OK);
  const r = await run(['data', 'get', '--label', 's'], { env: {} });
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /no user PIN given and stdin is not a terminal/);
});
