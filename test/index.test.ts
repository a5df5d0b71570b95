// The public library entry points (issue 13 items 2 and 9): `schsm` (the session and the operations
// under one name each), `schsm/apdu`, `schsm/transport`, `schsm/sim`, `schsm/trace`.
import test from 'ava';
import { readFileSync } from 'node:fs';
import * as schsm from '../src/index.ts';
import * as apdu from '../src/apdu-entry.ts';
import * as transport from '../src/transport/index.ts';
import * as sim from '../src/sim/index.ts';
import * as trace from '../src/trace/index.ts';

test('the schsm entry opens a simulated card (from schsm/sim) end to end', async (t) => {
  const card = await schsm.SmartCardHsm.open(await sim.createSimulatorTransport());
  const status = await card.status();
  t.false(status.initialized);
  t.regex(status.serial ?? '', /^UTSM\d{7}$/);
  t.deepEqual(card.applet.version, { major: 3, minor: 5 });
  t.is((await schsm.randomBytes(card, 8)).length, 8);
  await card.close();
});

test('schsm is small: one name per operation; the low-level twins live in schsm/apdu', (t) => {
  const names = Object.keys(schsm);
  t.true(names.length < 130, `${names.length} runtime exports`);
  for (const high of ['signMessage', 'exportWrappedKey', 'importWrappedKey', 'verifyPin', 'generateKey', 'listKeys', 'SmartCardHsm'])
    t.true(names.includes(high), high);
  for (const low of ['sign', 'signEcdsa', 'wrapKey', 'unwrapKey', 'guardedVerifyPin', 'encodeCommand', 'createChannel', 'selectFile']) {
    t.false(names.includes(low), `${low} is not in schsm`);
    t.true(low in apdu, `${low} is in schsm/apdu`);
  }
  for (const other of ['createSimulatorTransport', 'parseTrace', 'withTrafficLog', 'sim', 'trace']) t.false(names.includes(other), other);
  t.is(schsm.SmartCardHsm, apdu.SmartCardHsm, 'one class, whichever entry it comes from');
  t.is(schsm.KeyNotFoundError, apdu.KeyNotFoundError);
  t.is(apdu.toHex(apdu.encodeCommand({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' })), '80580000000000');
});

test('the other entry points: transport, sim, trace (with their error and transport types)', (t) => {
  t.is(typeof transport.openPcscTransport, 'function');
  t.is(typeof transport.withTrafficLog, 'function');
  t.is(typeof sim.SmartCardHsmSimulator, 'function');
  t.is(typeof sim.SimStateError, 'function');
  t.is(typeof trace.parseTrace, 'function');
  t.is(typeof trace.createReplayTransport, 'function');
  t.is(typeof trace.TraceMismatchError, 'function');
});

test('package.json exports exactly the five entry points (and package.json), without side effects', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    exports: Record<string, { types: string; default: string } | string>;
    sideEffects: boolean;
  };
  t.deepEqual(Object.keys(pkg.exports).sort(), ['.', './apdu', './package.json', './sim', './trace', './transport']);
  t.like(pkg.exports['.'], { types: './dist/index.d.ts', default: './dist/index.js' });
  t.like(pkg.exports['./apdu'], { types: './dist/apdu-entry.d.ts', default: './dist/apdu-entry.js' });
  for (const layer of ['sim', 'trace', 'transport'])
    t.like(pkg.exports[`./${layer}`], { types: `./dist/${layer}/index.d.ts`, default: `./dist/${layer}/index.js` });
  t.false(pkg.sideEffects);
});

test("README's library example is the one test/readme-library.types.ts type-checks (same imports, same lines)", (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Using schsm as a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const checked = readFileSync(new URL('./readme-library.types.ts', import.meta.url), 'utf8')
    .replace("'../src/index.ts'", "'schsm'")
    .replace("'../src/sim/index.ts'", "'schsm/sim'");
  const lines = block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  t.true(lines.length >= 8);
  for (const l of lines) t.true(checked.includes(l), `README line not in the type-checked example: ${l}`);
});

test('the library entry does not load the PC/SC binding until a reader is used', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "await import('./src/index.ts'); const loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => k.includes('pcsclite')); console.log(loaded ? 'loaded' : 'not loaded');",
    ],
    { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname },
  );
  t.is(out.trim(), 'not loaded');
});
