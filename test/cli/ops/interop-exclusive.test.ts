/**
 * Multi-APDU operations hold the card exclusively: while `schsm keys sign` runs VERIFY then SIGN
 * through pcscd, a concurrent `opensc-tool` (which SELECTs the applet, and would thereby log the PIN
 * out) must wait or fail cleanly; it must never get an APDU in between. The virtual card is slowed
 * down so the window between VERIFY and SIGN is wide open for the competitor.
 */
import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import type { VirtualCard } from '../../../src/sim/virtual-card.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { verifyPin } from '../../../src/card/commands/verify-pin.ts';
import { sign } from '../../../src/card/commands/sign.ts';
import { SecurityStatusNotSatisfiedError } from '../../../src/card/errors.ts';
import { openPcscTransport } from '../../../src/transport/pcsc.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** A card that logs every APDU and, once `slow` is set, takes `delayMs` for each. */
function slowCard(inner: VirtualCard, delayMs: number) {
  const log: string[] = [];
  let slow = false;
  let sawVerify: () => void = () => undefined;
  const verified = new Promise<void>((r) => (sawVerify = r));
  const card: VirtualCard = {
    get atr() {
      return inner.atr;
    },
    reset: () => inner.reset(),
    async process(cmd: Uint8Array): Promise<Uint8Array> {
      log.push(hex(cmd));
      if (cmd[1] === 0x20 && cmd.length > 5) sawVerify();
      if (slow) await sleep(delayMs);
      return inner.process(cmd);
    },
  };
  return { card, log, verified, setSlow: (on: boolean) => (slow = on) };
}

test.serial('VERIFY and SIGN are one exclusive section: a concurrent opensc-tool cannot slip an APDU in between', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  writeFileSync(path.join(dir, 'doc'), 'exclusive access\n');
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env: { P: USER_PIN } })).code, EXIT.OK);
  const pub = createPublicKey((await runOn(sim, ['keys', 'export-pub', '--ref', '1'])).stdout);
  const slow = slowCard(sim, 400);
  await withVirtualCard(slow.card, async (reader) => {
    const idx = String(await openscReaderIndex(reader.readerName));
    slow.setSlow(true);
    const started = Date.now();
    const signing = runPcsc(
      reader.readerName,
      ['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'doc', '--out', 'doc.sig', '--pin-env', 'P'],
      { env: { P: USER_PIN }, cwd: dir },
    );
    await slow.verified;
    const competitorAt = Date.now() - started;
    // SELECT the applet (would reset the PIN state if it got between VERIFY and SIGN)
    const competitor = runTool('opensc-tool', ['-r', idx, '-s', '00A404000BE82B0601040181C31F020100'], 60_000);
    const [sign, other] = await Promise.all([signing, competitor]);
    slow.setSlow(false);

    t.is(sign.code, EXIT.OK, sign.stderr);
    t.true(
      verify('sha256', readFileSync(path.join(dir, 'doc')), { key: pub, dsaEncoding: 'der' }, readFileSync(path.join(dir, 'doc.sig'))),
    );
    const verifyAt = slow.log.findIndex((c) => c.startsWith('002000810') && c.length > 10);
    const signAt = slow.log.findIndex((c, i) => i > verifyAt && c.startsWith('806801'));
    t.true(verifyAt >= 0 && signAt > verifyAt, 'VERIFY then SIGN on the card');
    t.deepEqual(slow.log.slice(verifyAt + 1, signAt), [], 'nothing between VERIFY and SIGN');
    const competitorSelect = slow.log.lastIndexOf('00A404000BE82B0601040181C31F020100');
    if (other.code === 0) {
      t.true(competitorSelect > signAt, "opensc-tool's SELECT ran after the SIGN: it waited");
      t.regex(other.stdout, /90 00/);
      t.log(`opensc-tool started ${competitorAt} ms into the signing and waited until the card was free`);
    } else {
      t.regex(other.stdout + other.stderr, /[Ss]haring violation|in use|busy|Failed to connect/);
      t.log(`opensc-tool failed cleanly: ${(other.stdout + other.stderr).trim().split('\n').pop() ?? ''}`);
    }
    // and afterwards the card is free for others again
    const later = await runTool('opensc-tool', ['-r', idx, '-s', '00A404000BE82B0601040181C31F020100']);
    t.is(later.code, 0, later.stderr);
  });
});

test.serial('control: without the exclusive section the same competitor gets in between and logs the PIN out (SIGN → 6982)', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = newSim();
  await setupCard(sim);
  t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env: { P: USER_PIN } })).code, EXIT.OK);
  await withVirtualCard(sim, async (reader) => {
    const idx = String(await openscReaderIndex(reader.readerName));
    const card = await SmartCardHsm.open(await openPcscTransport({ reader: reader.readerName }));
    try {
      await verifyPin(card, { pin: USER_PIN });
      const other = await runTool('opensc-tool', ['-r', idx, '-s', '00A404000BE82B0601040181C31F020100']);
      t.is(other.code, 0, 'in shared mode the competitor reaches the card at once');
      await t.throwsAsync(sign(card, 1, { kind: 'ecdsa', hash: 'sha256' }, Uint8Array.of(1, 2, 3)), {
        instanceOf: SecurityStatusNotSatisfiedError,
      });
    } finally {
      await card.close();
    }
  });
});
