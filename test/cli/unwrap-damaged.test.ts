/**
 * Issue 11 item 11: UNWRAP KEY refuses a foreign DKEK and a bad MAC with the same status word (§3.18).
 * When the blob's KCV is this device's, only the MAC can have failed: say the backup is damaged and
 * point at `schsm backup verify`, instead of telling custodians to re-import shares.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { importWrappedKey } from '../../src/card/key-backup.ts';
import { parseWrappedKeyFile } from '../../src/card/formats/wrapped-key-file.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { KcvMismatchError, MacError } from '../../src/card/formats/errors.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { newSim, PEER_SHARE, runOn, setupCard, tempDir, USER_PIN } from './ops/helpers.ts';

const env = { P: USER_PIN };

async function wrappedKey() {
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  const run = (argv: string[]) => runOn(sim, argv, { env, cwd: dir });
  if ((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code !== EXIT.OK) throw new Error('generate');
  if ((await run(['keys', 'wrap', '--ref', '1', 'k.wrapped', '--pin-env', 'P'])).code !== EXIT.OK) throw new Error('wrap');
  const bytes = readFileSync(path.join(dir, 'k.wrapped'));
  // 30 82 LL LL | 04 82 LL LL | blob = KCV(8) ‖ key type(1) ‖ … ‖ encrypted key ‖ MAC(16) (§9.1)
  const blobStart = 8;
  const blobEnd = blobStart + (((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0));
  return { sim, dir, run, bytes, blobStart, blobEnd };
}

test('one damaged byte in the encrypted part: "the backup is damaged", exit 1, hint names backup verify', async (t) => {
  const { dir, run, bytes, blobStart, blobEnd } = await wrappedKey();
  const damaged = Buffer.from(bytes);
  const at = blobEnd - 16 - 5; // inside the encrypted key, before the MAC
  t.true(at > blobStart + 8);
  damaged[at] = (damaged[at] ?? 0) ^ 0x01;
  writeFileSync(path.join(dir, 'damaged.wrapped'), damaged);
  const r = await run(['keys', 'unwrap', 'damaged.wrapped', '--ref', '2', '--pin-env', 'P']);
  t.is(r.code, EXIT.FAILED, r.stderr);
  t.regex(r.stderr, new RegExp(`^error: the backup is damaged: its KCV ${PEER_SHARE.kcv} is this device's DKEK`, 'm'));
  t.regex(r.stderr, /^hint: run `schsm backup verify FILE --share …`/m);
  t.notRegex(r.stderr, /import the same DKEK shares|does not match this device/);
});

test('the card layer: a damaged blob is a MacError; a blob whose KCV is another DKEK is a KcvMismatchError', async (t) => {
  const { sim, bytes, blobStart, blobEnd } = await wrappedKey();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await verifyPin(card, { pin: USER_PIN });
  const damaged = Buffer.from(bytes);
  damaged[blobEnd - 1] = (damaged[blobEnd - 1] ?? 0) ^ 0x80; // last MAC byte
  await t.throwsAsync(importWrappedKey(card, 3, parseWrappedKeyFile(damaged)), { instanceOf: MacError });
  const foreign = Buffer.from(bytes);
  foreign[blobStart] = (foreign[blobStart] ?? 0) ^ 0xff; // the KCV names another DKEK
  const err = await t.throwsAsync(importWrappedKey(card, 4, parseWrappedKeyFile(foreign)), { instanceOf: KcvMismatchError });
  t.is(err?.actual, PEER_SHARE.kcv);
  await card.close();
});
