/**
 * Reading a file that holds a secret someone else gave schsm (a key-encryption key): it must be a
 * regular file that neither group nor others may read — otherwise schsm refuses to use it (exit 4),
 * because the secret may already have leaked and should be replaced, not used. Bounded: the size is
 * checked before anything is read. Node built-ins only, so the CLI and the explorer share it.
 */
import { promises as fsp } from 'node:fs';
import { RefusedError, UsageError } from './errors.ts';
import { fileErrorText } from './fs-errors.ts';

/** Read `file` (`name` in messages) after the mode and size checks. */
export async function readPrivateFile(file: string, name: string, maxBytes: number): Promise<Uint8Array> {
  let st: Awaited<ReturnType<typeof fsp.lstat>>;
  try {
    st = await fsp.lstat(file);
  } catch (err) {
    throw new UsageError(`cannot read ${name}: ${fileErrorText(err)}`);
  }
  if (!st.isFile()) throw new RefusedError(`${name} is not a regular file`, 'keep it in a plain file with mode 0600');
  if ((st.mode & 0o077) !== 0)
    throw new RefusedError(
      `${name} may be read by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); it is not used`,
      'restrict it first (chmod 600), and consider the secret in it exposed',
    );
  if (st.size > maxBytes) throw new UsageError(`${name} has ${st.size} bytes; at most ${maxBytes} are expected`);
  const bytes = new Uint8Array(await fsp.readFile(file));
  if (bytes.length > maxBytes) {
    bytes.fill(0);
    throw new UsageError(`${name} grew past ${maxBytes} bytes while being read`);
  }
  return bytes;
}
