/**
 * What went wrong with a file, in words (issue 11 item 8: "nothere.pbe: no such file", not
 * "nothere.pbe: ENOENT"). Used by every reader and writer of user files.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
};

/** "no such file" for ENOENT, and so on; the system's message for anything else. */
export function fileErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && WORDS[code] !== undefined) return WORDS[code];
  return code ?? (err instanceof Error ? err.message : String(err));
}
