// Issue 9 finding 4: a process killed during an atomic save of the simulator state must not leave a
// complete copy of the card's secrets (PINs, DKEK, keys) in a file nobody looks at. The temporary file
// has a name fixed by the target and the process; the next open of the state file removes what a
// killed save left and says so. Real `kill -9` of child processes mid-save. On 13b3bf7 the killed
// saves left `.<file>.<random>.tmp` files holding the whole state, and nothing ever removed them.
import test from 'ava';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport, loadSimulator } from '../../src/sim/index.ts';
import { tempDir } from '../explorer/helpers.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'save-loop.child.ts');
const USER_PIN = 'Kx9Vq2Lm7Tz4';
/** The user PIN as the state file stores it (hex of its ASCII bytes). */
const PIN_HEX = Buffer.from(USER_PIN, 'ascii').toString('hex').toUpperCase();

async function newStateFile(): Promise<{ dir: string; file: string }> {
  const dir = tempDir('schsm-crash-');
  const file = path.join(dir, 'card.json');
  const card = await SmartCardHsm.open(await createSimulatorTransport({ stateFile: file }));
  await initializeDevice(card, { confirm: true, soPin: 'C3A59E17D84B206F', userPin: USER_PIN, retryCounter: 3, dkekShares: 0 });
  await card.close();
  return { dir, file };
}

/** Start the child, wait for `marker` on its stdout, run `then`, SIGKILL it, and wait for its end. */
function killDuring(file: string, mode: 'hang' | 'loop', marker: string, then: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes(marker) || child.killed) return;
      then().then(
        () => child.kill('SIGKILL'),
        (e: unknown) => {
          child.kill('SIGKILL');
          reject(e as Error);
        },
      );
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the child ended by itself (${code}): ${err}`));
    });
  });
}

const others = (dir: string): string[] => readdirSync(dir).filter((n) => n !== 'card.json');

/** Open the state file as every command does; returns the notices. */
async function openAndClose(file: string): Promise<string[]> {
  const notices: string[] = [];
  const t = await createSimulatorTransport({ stateFile: file, onNotice: (m) => notices.push(m) });
  await t.close();
  return notices;
}

test('killed right after the temporary file was written: the next open removes it and says so', async (t) => {
  const { dir, file } = await newStateFile();
  for (let round = 0; round < 3; round++) {
    await killDuring(file, 'hang', 'SYNC', async () => undefined);
    const left = others(dir);
    t.is(left.length, 1, `round ${round}: one temporary file left by the killed save`);
    const leftover = path.join(dir, left[0] ?? '');
    t.true(readFileSync(leftover, 'utf8').includes(PIN_HEX), 'it holds the complete state, PIN included');
    const notices = await openAndClose(file);
    t.deepEqual(others(dir), [], 'nothing but the state file after the next open');
    t.is(notices.length, 1);
    t.true(notices[0]?.includes(leftover), `the notice names ${leftover}`);
    t.regex(notices[0] ?? '', /removed .* left by a save that was interrupted \(it held a copy of the card's PINs, DKEK and keys\)/);
  }
  t.not(await loadSimulator(file), undefined, 'the state file itself is intact');
});

test('killed at arbitrary moments of a save loop: after the next open no temporary file is left, and each one found was reported', async (t) => {
  const { dir, file } = await newStateFile();
  for (let round = 0; round < 4; round++) {
    await killDuring(file, 'loop', 'SAVING', () => new Promise((r) => setTimeout(r, 7 * round)));
    const before = others(dir).map((n) => path.join(dir, n));
    const notices = await openAndClose(file);
    t.deepEqual(others(dir), [], `round ${round}`);
    t.is(notices.length, before.length, `round ${round}: one notice per leftover`);
    for (const f of before)
      t.true(
        notices.some((n) => n.includes(f)),
        `${f} reported`,
      );
    t.not(await loadSimulator(file), undefined, 'the state file is always complete (atomic rename)');
  }
  rmSync(dir, { recursive: true, force: true });
});
