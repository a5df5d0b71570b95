// `schsm run`: the example scripts in apdu/ against the in-process SmartCard-HSM simulator (exact
// commands on the wire), and the script runner's rules (file:line on failure, exit codes, reset, exit).
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { observeTransport } from '../../src/transport/observe.ts';
import { apdu } from '../helpers/apdu.ts';
import { runSchsm } from '../helpers/cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELECT_HSM = apdu`00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01 | 00`;

/** Run a script against `sim`, recording every command that reached it. */
async function runOnSim(file: string, sim = new SmartCardHsmSimulator()) {
  const sent: Uint8Array[] = [];
  const r = await runSchsm(
    ['run', file],
    async () => observeTransport(await createSimulatorTransport({ simulator: sim }), (c) => sent.push(Uint8Array.from(c))),
    root,
  );
  return { ...r, sent };
}

test('apdu/select.apdu selects the applet as OpenSC does', async (t) => {
  const r = await runOnSim('apdu/select.apdu');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.sent, [SELECT_HSM]);
  t.regex(r.stdout, /85 proprietary .*: 0000000305/);
  t.regex(r.stdout, /apdu\/select\.apdu: 1 APDU\(s\), every expectation held/);
});

test('apdu/random.apdu: GET CHALLENGE short (Le 08) and extended (Le 00 02 00), random shown as ..', async (t) => {
  const r = await runOnSim('apdu/random.apdu');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.sent, [SELECT_HSM, apdu`00 84 00 00 | 08`, apdu`00 84 00 00 | 00 02 00`]);
  t.regex(r.stdout, /<= \.\. \.\. \.\. \.\. \.\. \.\. \.\. \.\. \| 90 00/);
  t.regex(r.stdout, /card random \(GET CHALLENGE\): hidden/);
});

test('apdu/pin/status.apdu on a fresh card (6A88) and on an initialised one (63C3)', async (t) => {
  const fresh = await runOnSim('apdu/pin/status.apdu');
  t.is(fresh.code, 0, fresh.stderr);
  t.deepEqual(fresh.sent, [SELECT_HSM, apdu`00 20 00 81`, apdu`00 20 00 88`]);
  t.regex(fresh.stdout, /<= 6A 88 .*\n {3}6A88 REFERENCED_DATA_NOT_FOUND/);
  const sim = new SmartCardHsmSimulator();
  await sim.process(SELECT_HSM);
  // INITIALIZE DEVICE (§3.9): 80 02 00 01 options · 81 06 "648219" user PIN · 82 08 SO-PIN · 91 01 03 retries
  const init = await sim.process(apdu`80 50 00 00 | 19 | 80 02 00 01 | 81 06 36 34 38 32 31 39 | 82 08 35 37 36 32 31 38 38 30 | 91 01 03`);
  t.deepEqual(init, apdu`90 00`);
  sim.reset();
  const ready = await runOnSim('apdu/pin/status.apdu', sim);
  t.is(ready.code, 0, ready.stderr);
  t.regex(ready.stdout, /<= 63 C3 .*\n {3}63C3 PIN_INCORRECT: verification failed, 3 tries left/);
});

test('apdu/enumerate.apdu: ENUMERATE OBJECTS 2E and READ BINARY of 2F02 4E', async (t) => {
  const r = await runOnSim('apdu/enumerate.apdu');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.sent, [SELECT_HSM, apdu`80 58 00 00 | 00 00 00`, apdu`00 B1 2F 02 | 00 00 04 | 54 02 00 00 | 00 00`]);
  t.regex(r.stdout, /<= CC 00 2F 02 \| 90 00/);
});

function scriptFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-run-'));
  const file = path.join(dir, 'test.apdu');
  writeFileSync(file, text);
  return file;
}

test('the first unmet expectation stops the script: exit 1 naming file:line', async (t) => {
  const card = createEchoCard();
  const file = scriptFile('# comment\n80EE0000:01/01\n\n8012 =9000\n80EE0000:02/01\n');
  const r = await runSchsm(['run', file], async () => cardTransport(card, 'echo'));
  t.is(r.code, 1);
  t.is(r.stderr, `error: ${file}:4: expected SW 9000, got 6D00 (INS_NOT_SUPPORTED: instruction code not supported or invalid)\n`);
  t.deepEqual(card.received, [apdu`80 EE 00 00 | 01 | 01 | 01`, apdu`80 12 00 00`]);
});

test('a syntax error is exit 2 naming file:line, and nothing is sent', async (t) => {
  const card = createEchoCard();
  const file = scriptFile('80EE0000:01/01\n80EE0000:0/01\n');
  const r = await runSchsm(['run', file], async () => cardTransport(card, 'echo'));
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
  t.is(card.received.length, 0);
});

test('reset, continued lines and exit', async (t) => {
  const card = createEchoCard();
  const file = scriptFile('80E00200 # wrong-le mode\nreset\n80EE0000: \\\n  0A0B/02\nexit\n8012\n');
  const r = await runSchsm(['run', file, '--json'], async () => cardTransport(card, 'echo'));
  t.is(r.code, 0, r.stderr);
  t.is(card.resets, 1);
  t.deepEqual(card.received, [apdu`80 E0 02 00`, apdu`80 EE 00 00 | 02 | 0A 0B | 02`], 'nothing after exit');
  const doc = JSON.parse(r.stdout) as { ok: boolean; results: Array<{ line: number; sw: string }> };
  t.true(doc.ok);
  t.deepEqual(
    doc.results.map((x) => [x.line, x.sw]),
    [
      [1, '9000'],
      [3, '9000'],
    ],
  );
});

test('a missing script file is a usage error (exit 2)', async (t) => {
  const r = await runSchsm(['run', 'apdu/does-not-exist.apdu'], async () => cardTransport(createEchoCard()), root);
  t.is(r.code, 2);
  t.regex(r.stderr, /APDU script apdu\/does-not-exist\.apdu: no such file/);
});
