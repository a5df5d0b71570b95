/**
 * Files the operator commands read and write. Secret files (DKEK share files, wrapped keys, random
 * bytes) are created with mode 0600 and an existing file is never replaced unless --force (brief,
 * "Secrets"); without it the command stops with exit code 4 before doing anything else.
 */
import { constants } from 'node:fs';
import { access, chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileExistsError } from '../transport/errors.ts';
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

/** Exclusive create (replace with `force`) with `mode` for a new file; FileExistsError, or a usage error. */
async function writeOutputFile(ctx: CliContext, file: string, data: string | Uint8Array, force: boolean, mode: number): Promise<string> {
  const full = resolvePath(ctx, file);
  try {
    await writeFile(full, data, { mode, flag: force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(file);
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return full;
}

/** Write `data` with mode 0600; exclusive create unless `force` (then replace and re-apply 0600). */
export async function writeSecretFile(ctx: CliContext, file: string, data: Uint8Array, force: boolean): Promise<void> {
  await chmod(await writeOutputFile(ctx, file, data, force, 0o600), 0o600);
}

/** Write a file anyone may read (a public key, a signature): mode 0644 when created, exclusive unless `force`. */
export async function writePublicFile(ctx: CliContext, file: string, data: string | Uint8Array, force: boolean): Promise<void> {
  await writeOutputFile(ctx, file, data, force, 0o644);
}

/** Read an input file; a missing or unreadable file is a usage error (exit 2). */
export async function readInputFile(ctx: CliContext, file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolvePath(ctx, file)));
  } catch (err) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
