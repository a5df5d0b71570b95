/**
 * The one writer of secret files (DKEK share files, wrapped keys, card random, traces, simulator
 * state): brief "Secrets" — created with mode 0600, an existing file never replaced unless forced.
 * With `force` the existing file's mode is reset to 0600 on the open descriptor *before* any byte is
 * written, so a file that was world-readable never holds a secret while still readable.
 *
 * Kept at the bottom layer (node built-ins only) so the CLI, the explorer, the trace recorder and the
 * simulator share it. Errors other than "exists" are the system's (ENOENT, EACCES…); callers word them.
 */
import { randomBytes } from 'node:crypto';
import { constants, fchmodSync, openSync } from 'node:fs';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
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
    handle = await open(file, options.force === true ? 'w' : 'wx', MODE);
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

async function writeAtomic(file: string, data: Uint8Array | string, options: SecretFileOptions): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, MODE);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.force === true) await rename(tmp, file);
    else await link(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    if (isExists(error)) throw existsError(file, options);
    throw error;
  }
  if (options.force !== true) await unlink(tmp);
}
