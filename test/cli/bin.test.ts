// The real executable: build src/ into a private dist (so parallel builds in the checkout do not
// race), put bin/schsm.js next to it, and run it as a subprocess.
import test from 'ava';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { colorAllowed, defaultContext, openDefaultTransport, wantsSimulator } from '../../src/cli/default-context.ts';
import { buildPackage, runNode } from '../helpers/package-build.ts';

const run = (args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv) => runNode(args, cwd, env === undefined ? {} : { env });

test('node bin/schsm.js: --help lists the commands and exit codes; apdu runs on the simulator; usage errors exit 2', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const help = await run(['bin/schsm.js', '--help'], dir);
  t.is(help.code, 0, help.stderr);
  for (const c of ['readers', 'doctor', 'apdu <apdus..>', 'run <file>']) t.true(help.stdout.includes(`schsm ${c}`), c);
  t.regex(help.stdout, /Exit codes:\n {2}0 {2}success/);
  const apdu = await run(['bin/schsm.js', 'apdu', '--sim', '00A40400:E82B0601040181C31F0201/00'], dir);
  t.is(apdu.code, 0, apdu.stderr);
  t.regex(apdu.stdout, /^=> 00 A4 04 00 \| 0B \| E8 2B 06 01 04 01 81 C3 1F 02 01 \| 00\n/);
  t.regex(apdu.stdout, /\| 90 00 {3}\(/);
  t.notRegex(apdu.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
  const unmet = await run(['bin/schsm.js', 'apdu', '--sim', '00200081'], dir);
  t.is(unmet.code, 1, 'applet not selected: 6E00 is not 9000');
  const usage = await run(['bin/schsm.js', 'apdu', '--sim', 'ZZ'], dir);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /error: not hex/);
  const unknown = await run(['bin/schsm.js', 'frobnicate'], dir);
  t.is(unknown.code, 2);
});

test('node bin/schsm.js -vv logs every APDU through debug, PIN redacted, with the one-time notice', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const r = await run(['bin/schsm.js', '-vv', 'apdu', '--sim', '00200081:363438323139=XXXX'], dir, {
    ...process.env,
    DEBUG_COLORS: '0',
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /schsm: logging every APDU; PINs, SO-PINs, DKEK shares, decrypted data and card random are shown as "\.\."/);
  t.regex(r.stderr, /schsm:transport SEND 0020008106\.{12}/);
  // a VERIFY with data: the device is named first (SELECT, EF 2F02/2F03), then the PIN guard's status query
  t.regex(r.stderr, /schsm:transport RECV SW=6A88 \(\d+\.\d ms\)/);
  t.notRegex(r.stderr + r.stdout, /363438323139|36 34 38 32 31 39/);
});

/**
 * Module hooks that make `pcsclite` unloadable, as on a machine without libpcsclite: for import() (a
 * resolve hook) and for require() (Module._load), whichever way schsm loads the binding.
 */
const NO_PCSC_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import Module, { register } from 'node:module';",
    "const failure = () => new Error('libpcsclite.so.1: cannot open shared object file (test hook)');",
    "register('data:text/javascript,' + encodeURIComponent(\"export async function resolve(s, c, n) { if (s === 'pcsclite') throw new Error('libpcsclite.so.1: cannot open shared object file (test hook)'); return n(s, c); }\"));",
    'const load = Module._load;',
    "Module._load = function (request, ...rest) { if (request === 'pcsclite') throw failure(); return load.call(this, request, ...rest); };",
  ].join('\n'),
)}`;

test('without a loadable PC/SC library: --help and the simulator work; readers says what to install (exit 3)', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const help = await run(['--import', NO_PCSC_HOOK, 'bin/schsm.js', '--help'], dir);
  t.is(help.code, 0, help.stderr);
  const sim = await run(['--import', NO_PCSC_HOOK, 'bin/schsm.js', 'apdu', '--sim', '00A40400:E82B0601040181C31F0201/00'], dir);
  t.is(sim.code, 0, sim.stderr);
  const readers = await run(['--import', NO_PCSC_HOOK, 'bin/schsm.js', 'readers'], dir);
  t.is(readers.code, 3);
  t.regex(readers.stderr, /error: PC\/SC is not available: libpcsclite\.so\.1: cannot open shared object file \(test hook\)/);
  t.regex(readers.stderr, /hint: install the PC\/SC library and daemon \(Debian\/Ubuntu: `apt-get install libpcsclite1 pcscd`/);
});

test('default context: colour only on a terminal without NO_COLOR; --sim, --sim-state and --reader sim pick the simulator', (t) => {
  t.true(colorAllowed(true, {}));
  t.false(colorAllowed(false, {}));
  t.false(colorAllowed(true, { NO_COLOR: '1' }));
  t.true(colorAllowed(true, { NO_COLOR: '' }), 'an empty NO_COLOR does not count (no-color.org)');
  t.false(colorAllowed(true, { TERM: 'dumb' }));
  t.true(wantsSimulator({ sim: true }));
  t.true(wantsSimulator({ reader: 'SIM' }));
  t.true(wantsSimulator({ simState: '/tmp/x.json' }));
  t.false(wantsSimulator({ reader: '0' }));
  const ctx = defaultContext();
  t.is(ctx.cwd, process.cwd());
  t.is(ctx.openTransport, openDefaultTransport);
});

test('default context: --record wraps the logged transport: a 0600 trace with the PIN as .., never overwritten', async (t) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-rec-')), 'session.trace');
  const tr = await openDefaultTransport({ sim: true, record: file });
  await tr.transmit(Uint8Array.from(Buffer.from('00A404000BE82B0601040181C31F020100', 'hex')));
  await tr.transmit(Uint8Array.from(Buffer.from('0020008106363438323139', 'hex'))); // VERIFY "648219"
  await tr.close();
  t.is(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  t.regex(text, /^=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00$/m);
  t.regex(text, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\./m);
  t.notRegex(text, /36 34 38 32 31 39/);
  const again = await t.throwsAsync(openDefaultTransport({ sim: true, record: file }));
  t.is((again as { code?: string }).code, 'ERR_SCHSM_EXISTS');
});
