// The public library entry (what `import … from 'schsm'` gives) opens a simulated card end to end.
import test from 'ava';
import * as schsm from '../src/index.ts';

test('the library entry exposes the session, the simulator and the trace layer', async (t) => {
  const transport = await schsm.createSimulatorTransport();
  const card = await schsm.SmartCardHsm.open(transport);
  const status = await card.status();
  t.false(status.initialized);
  t.regex(status.serial ?? '', /^UTSM\d{7}$/);
  t.deepEqual(card.applet.version, { major: 3, minor: 5 });
  t.is(typeof schsm.sim.SmartCardHsmSimulator, 'function');
  t.is(typeof schsm.trace.parseTrace, 'function');
  t.is(schsm.toHex(schsm.encodeCommand({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' })), '80580000000000');
  await card.close();
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
