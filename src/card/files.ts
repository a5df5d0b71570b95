/**
 * File helpers built from the single-command functions: read an EF if it exists, replace an EF's
 * content (delete + write, so a shorter new content leaves no stale tail), delete if present.
 */
import { readFile } from './commands/read-binary.ts';
import { deleteFile } from './commands/delete-file.ts';
import { updateBinary } from './commands/update-binary.ts';
import { FileNotFoundError, KeyNotFoundError } from './errors.ts';
import { guardKeyFileChange } from './key-files.ts';
import type { CardSession } from './session.ts';

/** Content of EF `fid`, or undefined when the card says it does not exist (6A82). */
export async function readFileIfExists(card: CardSession, fid: number): Promise<Uint8Array | undefined> {
  try {
    return await readFile(card, fid);
  } catch (err) {
    if (err instanceof FileNotFoundError || err instanceof KeyNotFoundError) return undefined;
    throw err;
  }
}

/** DELETE FILE, returning false instead of throwing when the object does not exist. */
export async function deleteIfExists(card: CardSession, fid: number): Promise<boolean> {
  try {
    await deleteFile(card, fid);
    return true;
  } catch (err) {
    if (err instanceof FileNotFoundError || err instanceof KeyNotFoundError) return false;
    throw err;
  }
}

/**
 * Replace EF `fid` with `data`: delete it if present, then UPDATE BINARY (which creates it, §3.3). A
 * key-related EF (PRKD, certificate, C_DevAut, …: key-files.ts) is refused (RefusedError) unless
 * `allowKeyFile`; the key commands pass it because they write a key's files together.
 */
export async function replaceFile(
  card: CardSession,
  fid: number,
  data: Uint8Array,
  options: {
    allowKeyFile?: boolean;
    /** @deprecated the same as `allowKeyFile` (`force` only ever means overwriting local files). */
    force?: boolean;
  } = {},
): Promise<void> {
  guardKeyFileChange(fid, 'replace', options.allowKeyFile === true || options.force === true, '{ allowKeyFile: true }');
  await deleteIfExists(card, fid);
  await updateBinary(card, fid, data);
}
