/**
 * Files the operator commands read and write. Secret files (DKEK share files, wrapped keys, random
 * bytes) are created with mode 0600 and an existing file is never replaced unless --force (README,
 * "Safety rules schsm keeps"); without it the command stops with exit code 4 before doing anything else.
 */
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { InputTooLargeError, readBoundedFile, readBoundedStream } from '../transport/bounded-read.ts';
import { FileFormatError } from '../card/formats/errors.ts';
import { FileExistsError, SchsmError } from '../transport/errors.ts';
import { fileErrorText } from '../transport/fs-errors.ts';
import { writeSecretFile as writeSecret } from '../transport/secret-file.ts';
import { contextWith, type CliContext } from './context.ts';
import { UsageError } from './exit-codes.ts';

/** `-` names stdin (an input) or stdout (an output) wherever a file is read or written (issue 11 item 6). */
export const STDIO = '-';

/** Inputs already read from stdin, per stream: stdin can be read once. */
const stdinTaken = new WeakSet<object>();

/**
 * The context for a command's own report when its output file is `file`: with `-` the file's bytes own
 * stdout, so the report (and the --json document) goes to stderr.
 */
export function reportContext(ctx: CliContext, file: string | undefined): CliContext {
  return file === STDIO ? contextWith(ctx, { stdout: ctx.stderr }) : ctx;
}

/** Write raw bytes on stdout (the output file `-`). */
function writeStdout(ctx: CliContext, data: string | Uint8Array): void {
  if (ctx.stdoutBytes !== undefined) ctx.stdoutBytes(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  else ctx.stdout(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
}

/** Resolve a user-given path against the context's working directory. */
export function resolvePath(ctx: CliContext, file: string): string {
  return path.resolve(ctx.cwd, file);
}

/** Throw FileExistsError when `file` exists and `force` is not set (checked before any card work). */
export async function checkWritable(ctx: CliContext, file: string, force: boolean): Promise<void> {
  if (force || file === STDIO) return;
  try {
    await fsp.access(resolvePath(ctx, file), constants.F_OK);
  } catch {
    return;
  }
  throw new FileExistsError(file);
}

/** A write that failed for another reason than "exists" is a usage error (exit 2) naming the file. */
function writeFailed(file: string, err: unknown): never {
  if (err instanceof FileExistsError) throw err;
  throw new UsageError(`cannot write ${file}: ${fileErrorText(err)}`);
}

/** Write `data` with mode 0600; exclusive create unless `force` (then replace, 0600 again): transport/secret-file.ts. */
export async function writeSecretFile(ctx: CliContext, file: string, data: Uint8Array, force: boolean): Promise<void> {
  if (file === STDIO) return writeStdout(ctx, data);
  try {
    await writeSecret(resolvePath(ctx, file), data, { force, exists: () => new FileExistsError(file) });
  } catch (err) {
    writeFailed(file, err);
  }
}

/** Write a file anyone may read (a public key, a signature): mode 0644 when created, exclusive unless `force`. */
export async function writePublicFile(ctx: CliContext, file: string, data: string | Uint8Array, force: boolean): Promise<void> {
  if (file === STDIO) return writeStdout(ctx, data);
  try {
    await fsp.writeFile(resolvePath(ctx, file), data, { mode: 0o644, flag: force ? 'w' : 'wx' });
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
  if (file === STDIO) return readStdin(ctx, what, limit);
  try {
    return await readBoundedFile(resolvePath(ctx, file), limit, { name: file, what });
  } catch (err) {
    if (err instanceof InputTooLargeError) throw err;
    throw new UsageError(`${what} ${file}: ${fileErrorText(err)}`);
  }
}

/** The input `-`: stdin, bounded like a file (at most limit + 1 bytes are read), and only once per command. */
export async function readStdin(ctx: CliContext, what: string, limit: number): Promise<Uint8Array> {
  if (stdinTaken.has(ctx.stdin))
    throw new UsageError(`the ${what} "-" wants stdin, which another input already read`, 'only one input can be "-"');
  stdinTaken.add(ctx.stdin);
  return readBoundedStream(ctx.stdin, limit, { name: 'stdin', what });
}

/** Error codes of a file's content: the message gains the file's name. */
const CONTENT_CODES = new Set(['ERR_SCHSM_FILE_FORMAT', 'ERR_SCHSM_WRONG_PASSWORD', 'ERR_SCHSM_TLV', 'ERR_SCHSM_TLV_DEPTH']);

/**
 * Run `work` on the content of `file`; a format or password error names the file (issue 11 item 8):
 * "DKEK share file b.pbe: 40 bytes, expected 64", "b.pbe: wrong password or not a DKEK share file".
 * The error keeps its class, code and hint.
 */
export async function inFile<T>(file: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw namingFile(err, file === STDIO ? 'stdin' : file);
  }
}

function namingFile(err: unknown, name: string): unknown {
  if (!(err instanceof SchsmError) || !CONTENT_CODES.has(err.code) || err.message.includes(name)) return err;
  const format = err instanceof FileFormatError ? err.format : undefined;
  err.message =
    format !== undefined && err.message.startsWith(`${format}: `)
      ? `${format} ${name}: ${err.message.slice(format.length + 2)}`
      : `${name}: ${err.message}`;
  return err;
}
