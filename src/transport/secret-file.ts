/**
 * The one writer of secret files (DKEK share files, wrapped keys, card random, traces, simulator
 * state; README, "Safety rules schsm keeps") — created with mode 0600, an existing file never replaced unless forced.
 * With `force` the existing file's mode is reset to 0600 on the open descriptor *before* any byte is
 * written, so a file that was world-readable never holds a secret while still readable.
 *
 * Atomic writes go through a temporary file beside the target whose name is fixed by the target and
 * the writing process (`.<name>.<pid>.schsm-tmp`): a process killed mid-save leaves a name the next
 * open of that target looks for (sweepLeftoverTemps), so a complete copy of the secrets never outlives
 * a crash unnoticed. The pid keeps two processes that save the same file from taking each other's
 * temporary file; saves to one target within a process are queued.
 *
 * Kept at the bottom layer (node built-ins only) so the CLI, the explorer, the trace recorder and the
 * simulator share it. Errors other than "exists" are the system's (ENOENT, EACCES…); callers word them.
 */
import { constants, fchmodSync, openSync, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileExistsError } from './errors.ts';

export interface SecretFileOptions {
  /** Replace an existing file (mode reset to 0600). Default: refuse with FileExistsError. */
  readonly force?: boolean;
  /** The refusal to throw when the file exists (default `new FileExistsError(path)`): the caller's words and file name. */
  readonly exists?: () => FileExistsError;
}

export interface WriteSecretFileOptions extends SecretFileOptions {
  /**
   * Write a temporary file in the same directory, fsync it, then move it into place: readers see the
   * old content or the new one, never a part. Forced: rename over the target; not forced: link, which
   * fails if the target appeared meanwhile. Default false.
   */
  readonly atomic?: boolean;
}

const MODE = 0o600;

function existsError(file: string, options: SecretFileOptions): FileExistsError {
  return options.exists?.() ?? new FileExistsError(file);
}

function isExists(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EEXIST';
}

/** Open `file` for writing as a secret file (see the module comment) and return the descriptor. */
export function openNewSecretFile(file: string, options: SecretFileOptions = {}): number {
  try {
    const fd = openSync(file, options.force === true ? 'w' : 'wx', MODE);
    if (options.force === true) fchmodSync(fd, MODE);
    return fd;
  } catch (error) {
    if (isExists(error)) throw existsError(file, options);
    throw error;
  }
}

/** Write `data` to `file` as a secret file (see the module comment), atomically if asked. */
export async function writeSecretFile(file: string, data: Uint8Array | string, options: WriteSecretFileOptions = {}): Promise<void> {
  if (options.atomic === true) return writeAtomic(file, data, options);
  let handle: FileHandle;
  try {
    handle = await fsp.open(file, options.force === true ? 'w' : 'wx', MODE);
  } catch (error) {
    if (isExists(error)) throw existsError(file, options);
    throw error;
  }
  try {
    if (options.force === true) await handle.chmod(MODE);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

const TEMP_SUFFIX = '.schsm-tmp';

/** The temporary file this process uses for an atomic write of `file`. */
export function atomicTempName(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${pid}${TEMP_SUFFIX}`);
}

/** Atomic writes in progress in this process, by target: the next one waits (one temporary name per process). */
const inFlight = new Map<string, Promise<void>>();

async function writeAtomic(file: string, data: Uint8Array | string, options: SecretFileOptions): Promise<void> {
  const key = path.resolve(file);
  const before = inFlight.get(key) ?? Promise.resolve();
  const mine = before.then(() => writeAtomicNow(file, data, options));
  const settled = mine.catch(() => undefined);
  inFlight.set(key, settled);
  try {
    await mine;
  } finally {
    if (inFlight.get(key) === settled) inFlight.delete(key);
  }
}

async function writeAtomicNow(file: string, data: Uint8Array | string, options: SecretFileOptions): Promise<void> {
  const tmp = atomicTempName(file);
  // A file of this name is a leftover of an earlier process that had our pid and was killed mid-save.
  await fsp.unlink(tmp).catch(() => undefined);
  const handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, MODE);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.force === true) await fsp.rename(tmp, file);
    else await fsp.link(tmp, file);
  } catch (error) {
    await fsp.unlink(tmp).catch(() => undefined);
    if (isExists(error)) throw existsError(file, options);
    throw error;
  }
  if (options.force !== true) await fsp.unlink(tmp);
}

/** A temporary file found beside a target by sweepLeftoverTemps. */
export interface LeftoverTemp {
  readonly file: string;
  /** Removed (its writer is gone), or kept because the process that owns it is still running. */
  readonly removed: boolean;
  /** The writing process, when the name says (older schsm versions used random names). */
  readonly pid?: number;
}

/** Is process `pid` running? (EPERM: it is, but not ours.) */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Look beside `file` for temporary files of interrupted atomic writes — this version's
 * `.<name>.<pid>.schsm-tmp` and older versions' `.<name>.<12 hex>.tmp` — and remove those whose writer
 * is gone (they hold a complete copy of what was being saved). Files of a running process (a save in
 * progress right now, or a reused pid) are left and listed with `removed: false`. Call it when opening
 * `file`, and tell the user what was found.
 */
export async function sweepLeftoverTemps(file: string): Promise<LeftoverTemp[]> {
  const dir = path.dirname(file);
  const base = escapeRegExp(path.basename(file));
  const ours = new RegExp(`^\\.${base}\\.(\\d+)${escapeRegExp(TEMP_SUFFIX)}$`);
  const legacy = new RegExp(`^\\.${base}\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const found: LeftoverTemp[] = [];
  for (const name of names) {
    const m = ours.exec(name);
    if (m === null && !legacy.test(name)) continue;
    const pid = m === null ? undefined : Number(m[1]);
    const full = path.join(dir, name);
    const ownIdle = pid === process.pid && !inFlight.has(path.resolve(file));
    if (pid !== undefined && !ownIdle && alive(pid)) {
      found.push({ file: full, removed: false, pid });
      continue;
    }
    await fsp.unlink(full).catch(() => undefined);
    found.push({ file: full, removed: true, ...(pid === undefined ? {} : { pid }) });
  }
  return found;
}
