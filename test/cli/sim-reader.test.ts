// `--reader sim:FILE` names a simulator card kept in FILE, so two-card commands (clone) and the
// explorer can use simulated devices exactly like readers.
import test from 'ava';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDefaultTransport, simStateOf, wantsSimulator } from '../../src/cli/default-context.ts';
import { SmartCardHsm } from '../../src/card/index.ts';

test('sim:FILE selects the simulator with that state file; other reader names do not', (t) => {
  t.true(wantsSimulator({ reader: 'sim:/tmp/a.json' }));
  t.is(simStateOf({ reader: 'sim:/tmp/a.json' }), '/tmp/a.json');
  t.is(simStateOf({ reader: 'SIM:b.json' }), 'b.json');
  t.is(simStateOf({ reader: 'sim' }), undefined);
  t.is(simStateOf({ reader: 'sim:', simState: 'c.json' }), 'c.json');
  t.false(wantsSimulator({ reader: 'Virtual PCD 00 00' }));
  t.false(wantsSimulator({ reader: 'simple reader' }));
});

test('a card opened as sim:FILE is the same card next time (state kept, mode 0600)', async (t) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'schsm-simreader-')), 'card.json');
  const first = await openDefaultTransport({ reader: `sim:${file}` });
  const serial = (await (await SmartCardHsm.open(first)).status()).serial;
  await first.close();
  t.is(statSync(file).mode & 0o777, 0o600);
  const second = await openDefaultTransport({ reader: `sim:${file}` });
  t.is((await (await SmartCardHsm.open(second)).status()).serial, serial);
  await second.close();
});

test('--reader replay:TRACE answers from a trace recorded with --record (the same status again)', async (t) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'schsm-simreader-')), 'status.trace');
  const recorded = await openDefaultTransport({ reader: 'sim', record: file });
  const first = await (await SmartCardHsm.open(recorded)).status();
  await recorded.close();
  t.true(wantsSimulator({ reader: 'sim' }));
  t.false(wantsSimulator({ reader: `replay:${file}` }));
  const replay = await openDefaultTransport({ reader: `replay:${file}` });
  t.deepEqual(await (await SmartCardHsm.open(replay)).status(), first);
  await replay.close();
});
