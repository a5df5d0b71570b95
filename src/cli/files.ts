/**
 * Files the operator commands read and write. Secret files (DKEK share files, wrapped keys, random
 * bytes) are created with mode 0600 and an existing file is never replaced unless --force (README,
 * "Safety rules schsm keeps"); without it the command stops with exit code 4 before doing anything else.
 */
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputTooLargeError, readBoundedFile } from '../transport/bounded-read.ts';
import { FileExistsError } from '../transport/errors.ts';
import { writeSecretFile as writeSecret } from '../transport/secret-file.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit-codes.ts';

/** Resolve a user-given path against the context's working directory. */
export function resolvePath(ctx: CliContext, file: string): string {
  return path.resolve(ctx.cwd, file);
}

/** Throw FileExistsError when `file` exists and `force` is not set (checked before any card work). */
export async function checkWritable(ctx: CliContext, file: string, force: boolean): Promise<void> {
  if (force) return;
  try {
    await access(resolvePath(ctx, file), constants.F_OK);
  } catch {
    return;
  }
  throw new FileExistsError(file);
}

/** A write that failed for another reason than "exists" is a usage error (exit 2) naming the file. */
function writeFailed(file: string, err: unknown): never {
  if (err instanceof FileExistsError) throw err;
  throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
}

/** Write `data` with mode 0600; exclusive create unless `force` (then replace, 0600 again): transport/secret-file.ts. */
export async function writeSecretFile(ctx: CliContext, file: string, data: Uint8Array, force: boolean): Promise<void> {
  try {
    await writeSecret(resolvePath(ctx, file), data, { force, exists: () => new FileExistsError(file) });
  } catch (err) {
    writeFailed(file, err);
  }
}

/** Write a file anyone may read (a public key, a signature): mode 0644 when created, exclusive unless `force`. */
export async function writePublicFile(ctx: CliContext, file: string, data: string | Uint8Array, force: boolean): Promise<void> {
  try {
    await writeFile(resolvePath(ctx, file), data, { mode: 0o644, flag: force ? 'w' : 'wx' });
  } catch (err) {
    writeFailed(file, (err as NodeJS.ErrnoException).code === 'EEXIST' ? new FileExistsError(file) : err);
  }
}

/**
 * Read an input file of at most `limit` bytes (INPUT_LIMITS in transport/bounded-read.ts; checked before
 * and while reading, so /dev/zero or a FIFO cannot fill the memory); a missing, unreadable or too large
 * file is a usage error (exit 2) naming the file.
 */
export async function readInputFile(ctx: CliContext, file: string, what: string, limit: number): Promise<Uint8Array> {
  try {
    return await readBoundedFile(resolvePath(ctx, file), limit, { name: file, what });
  } catch (err) {
    if (err instanceof InputTooLargeError) throw err;
    throw new UsageError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
