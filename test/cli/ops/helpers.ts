/**
 * Test harness for the operator commands: run `runCli` against the in-process simulator (or any
 * transport factory) with captured stdout/stderr, a controlled environment, stdin and TTY flags.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { runCliCaptured, type CliResult, type CliRunOptions } from '../../helpers/cli.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { fromHex } from '../../../src/apdu/hex.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../../src/card/commands/initialize-device.ts';
import { importDkekShare } from '../../../src/card/commands/import-dkek-share.ts';
import { showsSecret } from '../../helpers/secrets.ts';

export type RunResult = CliResult;
export type RunOptions = CliRunOptions;

/** Run `schsm <argv>` with `open` providing the card (test/helpers/cli.ts). */
export const runWith = runCliCaptured;

/** Run against a simulator instance (state kept across runs, like a card left in the reader). */
export function runOn(
  sim: SmartCardHsmSimulator,
  argv: readonly string[],
  options: Omit<RunOptions, 'open'> & { apdus?: Uint8Array[] } = {},
): Promise<RunResult> {
  const log = options.apdus;
  return runWith(argv, {
    ...options,
    open: async () => {
      const t = await createSimulatorTransport({ simulator: sim });
      if (log === undefined) return t;
      return {
        ...t,
        name: t.name,
        atr: t.atr,
        transmit: async (c: Uint8Array) => {
          log.push(Uint8Array.from(c));
          return t.transmit(c);
        },
        close: () => t.close(),
        reset: () => t.reset(),
        exclusive: t.exclusive,
      };
    },
  });
}

/** The INS bytes of recorded command APDUs. */
export function insOf(apdus: readonly Uint8Array[]): number[] {
  return apdus.map((a) => a[1] ?? -1);
}

/** A fresh temporary directory for files a test writes. */
export function tempDir(prefix = 'schsm-ops-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Fail if any of `secrets` appears anywhere in the output. */
export function assertNoSecrets(t: ExecutionContext, r: RunResult, secrets: readonly string[]): void {
  for (const s of secrets) {
    t.false(showsSecret(r.stdout, s), `stdout must not contain the secret ${s.slice(0, 2)}…`);
    t.false(showsSecret(r.stderr, s), `stderr must not contain the secret ${s.slice(0, 2)}…`);
  }
}

/** Example PINs used by the tests (not the documentation examples, which init warns about). */
export const SO_PIN = 'A1B2C3D4E5F60718';
export const USER_PIN = '271828';

/** A new simulator (fresh, uninitialised card). */
export function newSim(): SmartCardHsmSimulator {
  return new SmartCardHsmSimulator();
}

/** The peer share file (made by sc-hsm-tool, fixtures/ops/README.md) and what is known about it: password, share, KCV. */
export const PEER_SHARE = {
  file: fileURLToPath(new URL('../../../fixtures/ops/peer-dkek-share-1.pbe', import.meta.url)),
  password: 'Peer-DKEK-Pass-1',
  share: '2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35',
  kcv: '6C609824B9CA28EB',
} as const;

/**
 * Bring a simulator into a known state through the card layer (not the CLI under test): initialised
 * with SO_PIN / USER_PIN, and with `dkek` the peer share imported (KCV 6C609824B9CA28EB) without a
 * 10M-round derivation.
 */
export async function setupCard(
  sim: SmartCardHsmSimulator,
  options: { dkek?: boolean; retryCounter?: number; options?: number } = {},
): Promise<void> {
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, {
    confirm: true,
    soPin: SO_PIN,
    userPin: USER_PIN,
    retryCounter: options.retryCounter ?? 3,
    ...(options.options === undefined ? {} : { options: options.options }),
    ...(options.dkek === true ? { dkekShares: 1 } : {}),
  });
  if (options.dkek === true) await importDkekShare(card, fromHex(PEER_SHARE.share));
  await card.close();
}
