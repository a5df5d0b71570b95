import { INPUT_LIMITS, InputTooLargeError, readBoundedFile } from '../transport/bounded-read.ts';
import { sweepLeftoverTemps, writeSecretFile, type LeftoverTemp } from '../transport/secret-file.ts';
import { SimStateError } from './errors.ts';
import { SmartCardHsmSimulator } from './sc-hsm.ts';
import type { VirtualCard } from './virtual-card.ts';

/**
 * `--state FILE`: the simulated card's persistent state on disk (it holds PINs, keys and the DKEK,
 * so mode 0600). Written atomically: a temporary file in the same directory, fsync, rename over
 * the target. A file that exists but cannot be read as a state is an error — never replaced, and its
 * content never quoted in the error. Opening a state file first removes what a save killed midway
 * left beside it (transport/secret-file.ts) and says so.
 */

export interface StateFileOptions {
  /** Told about temporary files of interrupted saves found beside the state file (default: standard error). */
  readonly onNotice?: (message: string) => void;
}

/** The notice for one leftover temporary file. */
export function leftoverNotice(state: string, t: LeftoverTemp): string {
  if (t.removed)
    return `simulator state file ${state}: removed ${t.file}, left by a save that was interrupted (it held a copy of the card's PINs, DKEK and keys)`;
  return `simulator state file ${state}: ${t.file} belongs to running process ${t.pid ?? '?'} (a save in progress, or a killed save whose process number was reused); it holds a copy of the card's secrets: delete it if no schsm uses this file`;
}

const stderrNotice = (message: string): void => void process.stderr.write(`warning: ${message}\n`);

/** Load the card stored in `file`; undefined when the file does not exist. */
export async function loadSimulator(file: string, options: StateFileOptions = {}): Promise<SmartCardHsmSimulator | undefined> {
  for (const t of await sweepLeftoverTemps(file)) (options.onNotice ?? stderrNotice)(leftoverNotice(file, t));
  let text: string;
  try {
    text = new TextDecoder().decode(await readBoundedFile(file, INPUT_LIMITS.simState, { what: 'simulator state file' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof InputTooLargeError) throw error;
    throw new SimStateError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'read error'})`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the file's first bytes: never repeat the content of a secret file.
    throw new SimStateError('is not a JSON simulator state (not valid JSON; its content is not shown)', file);
  }
  try {
    return SmartCardHsmSimulator.fromJSON(json);
  } catch (error) {
    if (error instanceof SimStateError) throw new SimStateError(error.message, file, error);
    throw new SimStateError(`is not a usable simulator state (${(error as Error).name}; its content is not shown)`, file);
  }
}

/** Write `text` to `file` atomically with mode 0600, replacing it (transport/secret-file.ts). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await writeSecretFile(file, text, { force: true, atomic: true });
}

/** Serialise the card's state into `file` (atomic, 0600). */
export async function saveSimulator(sim: SmartCardHsmSimulator, file: string): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(sim.toJSON(), null, 1)}\n`);
}

/** Open the card in `file`, or create a new card there when it does not exist yet. */
export async function openSimulatorState(file: string, options: StateFileOptions = {}): Promise<SmartCardHsmSimulator> {
  const existing = await loadSimulator(file, options);
  if (existing !== undefined) return existing;
  const sim = new SmartCardHsmSimulator();
  await saveSimulator(sim, file);
  return sim;
}

/** Instructions that never change persistent state (the hot path skips the state comparison). */
const READ_ONLY_INS = new Set([0xa4, 0xb0, 0xb1, 0x58, 0x84, 0xc0]);

/** What a persistent card reports when a save failed (the card itself answers 6581). */
export type SaveErrorListener = (error: Error) => void;

/**
 * A VirtualCard that saves `sim`'s state to `file` after every command that changed it. Saves are
 * serialised, and the response is returned only once the state is on disk, so a host never sees an
 * effect that a crash could lose. A failed save is answered 6581 (memory failure), as a card whose
 * EEPROM write failed would, and reported to `onSaveError`.
 */
export function persistentCard(
  sim: SmartCardHsmSimulator,
  file: string,
  onSaveError?: SaveErrorListener,
): VirtualCard & {
  /** Resolves once every state change so far is saved. */
  flush(): Promise<void>;
} {
  let saved = JSON.stringify(sim.toJSON());
  let queue: Promise<void> = Promise.resolve();
  const saveIfChanged = async (): Promise<void> => {
    const json = sim.toJSON();
    const compact = JSON.stringify(json);
    if (compact === saved) return;
    await writeFileAtomic(file, `${JSON.stringify(json, null, 1)}\n`);
    saved = compact;
  };
  const save = (): Promise<void> => {
    const p = queue.then(saveIfChanged);
    queue = p.catch(() => undefined);
    return p;
  };
  return {
    get atr() {
      return sim.atr;
    },
    reset: () => sim.reset(),
    async process(command: Uint8Array): Promise<Uint8Array> {
      const response = await sim.process(command);
      if (command.length >= 2 && READ_ONLY_INS.has(command[1] ?? 0)) return response;
      try {
        await save();
      } catch (error) {
        onSaveError?.(error as Error);
        return Uint8Array.of(0x65, 0x81);
      }
      return response;
    },
    flush: save,
  };
}
