import test from 'ava';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSimulatorTransport, SimStateError, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { answer, INITIALIZE, PEER_SHARE, SELECT_APPLET, testCard, VERIFY_PIN } from './sim-card.ts';

// --state FILE (§ persistence of the brief): atomic writes, mode 0600, round trip of everything the
// card keeps, corrupted files reported and left alone.

async function tmp(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-sim-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function send(transport: { transmit(c: Uint8Array): Promise<Uint8Array> }, c: string) {
  return answer(await transport.transmit(hex(c)));
}

test('toJSON → fromJSON restores PINs, counters, options, DKEK, keys and files; the keys still work', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE);
  await card.ok(`80520000 20 ${PEER_SHARE} 00`);
  await card.send('00200081 06 313233343536'); // one wrong try: 63C2
  await card.ok(VERIFY_PIN);
  await card.ok('00480AB2');
  await card.ok('00D7CF01 08 5402 0000 5302 CAFE');
  const json = JSON.parse(JSON.stringify(card.sim.toJSON()));
  const copy = testCard(SmartCardHsmSimulator.fromJSON(json));
  t.deepEqual(copy.sim.toJSON(), card.sim.toJSON());
  t.is(copy.sim.state.serial, card.sim.state.serial);
  await copy.ok(SELECT_APPLET);
  t.is((await copy.send('00200081')).sw, '63C3', 'counter restored after the correct VERIFY');
  t.is((await copy.send('8052000000')).data, '01006c609824b9ca28eb');
  t.is((await copy.send('80580000000000')).data, 'cc00cc0a2f02cf01');
  await copy.ok(VERIFY_PIN);
  // AES-CMAC (78, algorithm 18) with the restored key equals the original's.
  const cmac = '8078 0A18 10 000102030405060708090A0B0C0D0E0F 00';
  await card.ok(SELECT_APPLET);
  await card.ok(VERIFY_PIN);
  t.is((await copy.ok(cmac)).data, (await card.ok(cmac)).data);
});

test('createSimulatorTransport({stateFile}) creates the file 0600, saves every change, reloads it', async (t) => {
  const dir = await tmp(t);
  const file = path.join(dir, 'card.json');
  const a = await createSimulatorTransport({ stateFile: file });
  t.is((await stat(file)).mode & 0o777, 0o600);
  const serial = JSON.parse(await readFile(file, 'utf8')).serial;
  await send(a, SELECT_APPLET);
  t.is((await send(a, INITIALIZE)).sw, '9000');
  t.is((await send(a, '00200081 06 313233343536')).sw, '63C2');
  await a.close();
  const b = await createSimulatorTransport({ stateFile: file });
  await send(b, SELECT_APPLET);
  t.is((await send(b, '00200081')).sw, '63C2', 'the wrong try was saved before the card answered');
  t.is(JSON.parse(await readFile(file, 'utf8')).serial, serial);
  t.is((await stat(file)).mode & 0o777, 0o600);
});

test('saves are atomic (rename of a fresh 0600 file, no temp files left); read-only commands do not write', async (t) => {
  const dir = await tmp(t);
  const file = path.join(dir, 'card.json');
  const transport = await createSimulatorTransport({ stateFile: file });
  await chmod(file, 0o644);
  const before = await stat(file);
  await send(transport, SELECT_APPLET);
  await send(transport, '80580000000000');
  await send(transport, '00B12F02 04 5402 0000 00');
  t.is((await stat(file)).ino, before.ino, 'SELECT/ENUMERATE/READ did not rewrite the file');
  await send(transport, INITIALIZE);
  const after = await stat(file);
  t.not(after.ino, before.ino, 'a new file was renamed over the old one');
  t.is(after.mode & 0o777, 0o600);
  t.deepEqual(await readdir(dir), ['card.json']);
  t.true(JSON.parse(await readFile(file, 'utf8')).initialized);
});

test('a failed save is answered 6581 (memory failure), never an exception', async (t) => {
  const dir = await tmp(t);
  const file = path.join(dir, 'gone', 'card.json');
  await mkdir(path.dirname(file));
  const transport = await createSimulatorTransport({ stateFile: file });
  await rm(path.dirname(file), { recursive: true });
  t.is((await send(transport, SELECT_APPLET)).sw, '9000');
  t.is((await send(transport, INITIALIZE)).sw, '6581');
});

test('corrupted state files are reported (SimStateError naming the problem) and left untouched', async (t) => {
  const dir = await tmp(t);
  const cases: [string, RegExp][] = [
    ['{"format": "schsm-sim-state", "version": 1', /not valid JSON/],
    ['[]', /state must be an object/],
    ['{"format": "other", "version": 1}', /format must be "schsm-sim-state"/],
    ['{"format": "schsm-sim-state", "version": 9}', /version 9 is not supported/],
  ];
  const good = JSON.stringify(new SmartCardHsmSimulator().toJSON());
  const bad = JSON.parse(good);
  bad.userPin = { value: '313233343536', retries: 7, max: 3 };
  cases.push([JSON.stringify(bad), /userPin\.retries must be an integer 0\.\.3/]);
  const badFile = JSON.parse(good);
  badFile.files['2F0'] = '00';
  cases.push([JSON.stringify(badFile), /files \(entry \d+\) has a name that is not a 4-hex-digit file identifier/]);
  for (const [i, [text, message]] of cases.entries()) {
    const file = path.join(dir, `bad-${i}.json`);
    await writeFile(file, text, { mode: 0o600 });
    const error = await t.throwsAsync(createSimulatorTransport({ stateFile: file }), { instanceOf: SimStateError });
    t.is(error?.code, 'ERR_SCHSM_SIM_STATE');
    t.regex(error?.message ?? '', message);
    t.true(error?.message.includes(file), 'the message names the file');
    t.is(await readFile(file, 'utf8'), text, 'file untouched');
  }
});
