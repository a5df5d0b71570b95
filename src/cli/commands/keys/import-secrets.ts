/**
 * The secrets of `keys import`, each from the usual sources and never printed: the key file's password
 * (PKCS#12 or encrypted PEM/DER: --p12-password-env, --p12-password-stdin or a hidden prompt, retried
 * at a prompt), the key-encryption key (--kek-file, refused when group or others may read it), and the
 * DKEK assembled from the custodians' share files exactly as `dkek import-share` opens them. Input files
 * are size-checked before they are read.
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { lstat } from 'node:fs/promises';
import { assembleDkek } from '../../../card/formats/kcv.ts';
import { WrongPasswordError } from '../../../card/formats/errors.ts';
import type { ImportedKey } from '../../../card/formats/imported-key.ts';
import { readKeyFile } from '../../../card/formats/imported-key.ts';
import { type KeyFileKind, parseKek } from '../../../card/formats/key-file.ts';
import { line, type CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { readPrivateFile } from '../../../transport/private-file.ts';
import { readInputFile, resolvePath, STDIO } from '../../files.ts';
import { canPrompt, type SecretReader } from '../../secret-input.ts';
import { openShareFiles, type ShareSecretArgs } from '../dkek/share-open.ts';

/** Largest key file read (a PKCS#12 with a long chain is a few KiB). */
export const MAX_KEY_FILE = INPUT_LIMITS.keyFile;
/** Largest share file read (sc-hsm-tool writes 64 bytes). */
export const MAX_SHARE_FILE = INPUT_LIMITS.dkekShare;
/** Largest KEK file read (a hex AES-256 key with a newline is 65 bytes). */
export const MAX_KEK_FILE = 1024;

/** Read `file` after checking its size against `limit` (a named usage error, exit 2, when larger). */
export async function readBoundedFile(ctx: CliContext, file: string, what: string, limit: number): Promise<Uint8Array> {
  let size: number | undefined;
  try {
    size = (await lstat(resolvePath(ctx, file))).size;
  } catch {
    size = undefined; // readInputFile words the error
  }
  if (size !== undefined && size > limit) throw new UsageError(`the ${what} ${file} has ${size} bytes; a ${what} has at most ${limit}`);
  const bytes = await readInputFile(ctx, file, what, limit);
  if (bytes.length > limit) throw new UsageError(`the ${what} ${file} has more than ${limit} bytes`);
  return bytes;
}

/** The KEK of --kek-file: a regular file no one else may read (transport/private-file.ts), 16/24/32 bytes or hex. */
export async function readKekFile(ctx: CliContext, file: string): Promise<Uint8Array> {
  if (file === STDIO)
    throw new UsageError(
      'the key-encryption key is read from a file only you can read, not from stdin ("-")',
      'e.g. --kek-file kek.bin (chmod 600)',
    );
  const name = `the key-encryption key ${file}`;
  const raw = await readPrivateFile(resolvePath(ctx, file), name, MAX_KEK_FILE);
  try {
    return parseKek(raw, name);
  } finally {
    raw.fill(0);
  }
}

export interface KeyPasswordArgs {
  readonly p12PasswordEnv?: string | undefined;
  readonly p12PasswordStdin?: boolean | undefined;
}

/** Open the key file, asking for its password when it has one (3 tries at a prompt). */
export async function openKeyFile(
  ctx: CliContext,
  reader: SecretReader,
  args: KeyPasswordArgs,
  input: { bytes: Uint8Array; file: string; kind: KeyFileKind; kek: Uint8Array | undefined },
): Promise<ImportedKey> {
  if (!input.kind.needsPassword) return readKeyFile(input.bytes, input.file, input.kind, { kek: input.kek });
  const interactive = args.p12PasswordEnv === undefined && args.p12PasswordStdin !== true && canPrompt(ctx);
  for (let attempt = 1; ; attempt++) {
    const password = await reader.read({
      what: `password of ${input.file}`,
      envVar: args.p12PasswordEnv,
      stdin: args.p12PasswordStdin === true,
      flags: '--p12-password-env VAR or --p12-password-stdin',
    });
    try {
      return readKeyFile(input.bytes, input.file, input.kind, { password });
    } catch (err) {
      if (!(err instanceof WrongPasswordError) || !interactive || attempt >= 3) throw err;
      line(ctx.stderr, 'wrong password; try again');
    }
  }
}

/** DKEK = XOR of the shares (§8.1); the shares are wiped, the caller wipes the DKEK. */
export async function assembleDkekFromShares(
  ctx: CliContext,
  reader: SecretReader,
  args: ShareSecretArgs,
  files: readonly Uint8Array[],
): Promise<Uint8Array> {
  const shares = await openShareFiles(ctx, reader, args, files);
  try {
    return assembleDkek(shares);
  } finally {
    for (const s of shares) s.fill(0);
  }
}
