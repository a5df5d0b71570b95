/**
 * Drive the explorer in script mode over the in-process simulator: captured stdout/stderr, every
 * command APDU recorded (to check bytes against hex literals), a temporary working directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  COMMANDS,
  executeLine,
  ExplorerSession,
  formatError,
  Runner,
  runExplorer,
  type ExplorerOptions,
} from '../../src/explorer/index.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { decorate } from '../../src/transport/decorate.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { hex } from '../helpers/apdu.ts';

export const USER_PIN = '271828';
export const SO_PIN = 'A1B2C3D4E5F60718';

/** The peer DKEK share file of the shared traces, its password and KCV (brief). */
export const PEER_SHARE = {
  file: '/work/shared/traces/opensc-vs-independent-card/07-dkek-share-1.pbe',
  password: 'Peer-DKEK-Pass-1',
  kcv: '6C609824B9CA28EB',
} as const;

export interface Explored {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every command APDU sent, in order. */
  readonly apdus: readonly Uint8Array[];
  readonly cwd: string;
}

export interface ExploreOptions extends Partial<Omit<ExplorerOptions, 'stdout' | 'stderr' | 'stdin' | 'openTransport'>> {
  /** Transport factory; default: the simulator instance. */
  readonly open?: () => Promise<Transport>;
}

export function tempDir(prefix = 'schsm-explorer-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A transport to `sim` whose command APDUs are pushed to `log`. */
export async function loggedSim(sim: SmartCardHsmSimulator, log: Uint8Array[]): Promise<Transport> {
  const t = await createSimulatorTransport({ simulator: sim });
  return decorate(t, {
    transmit: (c) => {
      log.push(Uint8Array.from(c));
      return t.transmit(c);
    },
  });
}

/** Run `script` (lines) in script mode against `sim`. */
export async function explore(sim: SmartCardHsmSimulator, script: string | readonly string[], o: ExploreOptions = {}): Promise<Explored> {
  let stdout = '';
  let stderr = '';
  const apdus: Uint8Array[] = [];
  const stdin = new PassThrough();
  stdin.end(typeof script === 'string' ? script : script.join('\n'));
  const cwd = o.cwd ?? tempDir();
  const code = await runExplorer({
    color: false,
    env: {},
    ...o,
    cwd,
    openTransport: o.open ?? (() => loggedSim(sim, apdus)),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin,
  });
  return { code, stdout, stderr, apdus, cwd };
}

/** A simulator initialised through the card layer (not the explorer under test). */
export async function initialisedSim(options: { dkekShares?: number; retryCounter?: number } = {}): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, {
    confirm: true,
    soPin: SO_PIN,
    userPin: USER_PIN,
    retryCounter: options.retryCounter ?? 3,
    ...(options.dkekShares === undefined ? {} : { dkekShares: options.dkekShares }),
  });
  await card.close();
  return sim;
}

/** Hex (upper case, no spaces) of each APDU, for readable assertions. */
export function hexes(apdus: readonly Uint8Array[]): string[] {
  return apdus.map((a) => Buffer.from(a).toString('hex').toUpperCase());
}

/** True when some APDU equals the literal. */
export function sent(apdus: readonly Uint8Array[], literal: string): boolean {
  const want = Buffer.from(hex(literal)).toString('hex').toUpperCase();
  return hexes(apdus).includes(want);
}

/** The ASCII bytes of a PIN as hex (what must never show up unmasked). */
export function asciiHex(text: string, sep = ''): string {
  return Buffer.from(text, 'latin1')
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, `$1${sep}`);
}

/**
 * An ExplorerSession on `sim` whose prompter answers from `answers` (recording each prompt and
 * whether it was hidden), and `run(line)` to execute lines through the real dispatcher.
 */
export async function sessionWithPrompter(sim: SmartCardHsmSimulator, answers: string[], open?: () => Promise<Transport>) {
  const apdus: Uint8Array[] = [];
  const asked: Array<[string, boolean]> = [];
  let out = '';
  const session = new ExplorerSession({
    openTransport: open ?? (() => loggedSim(sim, apdus)),
    io: { out: (s) => (out += s), err: (s) => (out += s) },
    color: false,
    cwd: tempDir(),
    env: {},
    prompter: {
      ask: async (prompt, hidden) => {
        asked.push([prompt, hidden]);
        const a = answers.shift();
        if (a === undefined) throw new Error(`unexpected prompt ${prompt}`);
        return a;
      },
    },
  });
  session.commands = COMMANDS;
  await session.connect();
  const runner = new Runner();
  const run = async (line: string): Promise<void> => {
    try {
      await executeLine(session, runner, line);
    } catch (err) {
      out += formatError(err, session);
      throw err;
    }
  };
  return { session, apdus, asked, runner, output: () => out, run };
}
