/**
 * Files on the host that `get`, `put`, `random`, `keys wrap|unwrap|sign` and `dkek import` read and
 * write. Everything written is created with mode 0600 (it may be a private data object, key material
 * or a wrapped key) and an existing file is never replaced unless `--force`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputTooLargeError, readBoundedFile } from '../transport/bounded-read.ts';
import { FileExistsError, UsageError } from '../transport/errors.ts';
import { fileErrorText } from '../transport/fs-errors.ts';
import { writeSecretFile } from '../transport/secret-file.ts';
import type { ExplorerSession } from './session.ts';

export function resolveLocal(session: ExplorerSession, file: string): string {
  const home = session.env.HOME;
  const expanded = file.startsWith('~/') && home !== undefined ? path.join(home, file.slice(2)) : file;
  return path.resolve(session.cwd, expanded);
}

/** Write with mode 0600; exclusive create unless `force` (transport/secret-file.ts). */
export async function writeLocalFile(session: ExplorerSession, file: string, data: Uint8Array, force: boolean): Promise<void> {
  const exists = (): FileExistsError =>
    new FileExistsError(file, 'the explorer does not overwrite files', 'choose another name, or add --force to replace it');
  try {
    await writeSecretFile(resolveLocal(session, file), data, { force, exists });
  } catch (err) {
    if (err instanceof FileExistsError) throw err;
    throw new UsageError(`cannot write ${file}: ${fileErrorText(err)}`);
  }
}

/** Read a local file of at most `limit` bytes (transport/bounded-read.ts: checked before and while reading). */
export async function readLocalFile(session: ExplorerSession, file: string, what: string, limit: number): Promise<Uint8Array> {
  try {
    return await readBoundedFile(resolveLocal(session, file), limit, { name: file, what });
  } catch (err) {
    if (err instanceof InputTooLargeError) throw err;
    throw new UsageError(`${what} ${file}: ${fileErrorText(err)}`);
  }
}

/** Tab completion of local paths: entries of the directory part that start with the last part. */
export function completePath(session: ExplorerSession, partial: string): string[] {
  const slash = partial.lastIndexOf('/');
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : '';
  const base = partial.slice(slash + 1);
  let names: string[];
  const dir = resolveLocal(session, dirPart === '' ? '.' : dirPart);
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(base) && (base.startsWith('.') || !n.startsWith('.')))
    .map((n) => {
      let isDir = false;
      try {
        isDir = statSync(path.join(dir, n)).isDirectory();
      } catch {
        // a dangling link completes as a file
      }
      return `${dirPart}${n}${isDir ? '/' : ''}`;
    })
    .sort();
}
