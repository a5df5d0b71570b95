/**
 * Opening DKEK share files on the host with the custodians' secrets, shared by every command that
 * assembles a DKEK (`dkek import-share`, `keys import`): the password of each `.pbe` file from
 * `--password-env` (one per file), `--password-stdin` (one line per file) or a hidden prompt (a wrong
 * password may be retried 3 times there), or rebuilt from threshold shares (§8.3: the prime and K
 * (ID, value) pairs from prompts, stdin lines or `--shares-file`). Shares are 32 bytes each; the caller
 * wipes them.
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { decryptDkekShare, parseDkekShareFile } from '../../../card/formats/dkek-share-file.ts';
import { WrongPasswordError } from '../../../card/formats/errors.ts';
import { reconstructPassword } from '../../../card/formats/threshold.ts';
import type { ShareIdBase } from '../../../card/formats/threshold-text.ts';
import { line, type CliContext } from '../../context.ts';
import { UsageError } from '../../exit-codes.ts';
import { inFile, readInputFile } from '../../files.ts';
import { startProgress } from '../../progress.ts';
import { canPrompt, type SecretReader } from '../../secret-input.ts';
import { parseShareFileText, readShares } from './threshold-io.ts';

/** Where the share passwords come from (the options of `dkek import-share`). */
export interface ShareSecretArgs {
  /** Share file names, in the order the passwords are given. */
  readonly files: readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean | undefined;
  readonly thresholdShares?: number | undefined;
  readonly sharesFile?: string | undefined;
  readonly shareIdBase?: ShareIdBase | undefined;
  /** The option that names the files in messages ("FILE", "--share"). */
  readonly fileOption?: string;
}

/** Usage errors of the share options, before anything else happens. */
export function checkShareArgs(args: ShareSecretArgs): void {
  const threshold = args.thresholdShares !== undefined || args.sharesFile !== undefined;
  const files = args.fileOption ?? 'FILE';
  if (threshold && args.files.length !== 1)
    throw new UsageError(`threshold shares open one share file at a time: give exactly one ${files}`);
  if (threshold && (args.passwordEnv !== undefined || args.passwordStdin === true))
    throw new UsageError('--threshold-shares/--shares-file replace the password options');
  const k = args.thresholdShares;
  if (k !== undefined && (!Number.isInteger(k) || k < 2 || k > 255)) throw new UsageError(`--threshold-shares must be 2..255, got ${k}`);
  if (args.passwordEnv !== undefined && args.passwordEnv.length !== args.files.length) {
    throw new UsageError(`give --password-env once per ${files} (${args.files.length} files, ${args.passwordEnv.length} variables)`);
  }
}

async function decryptWithProgress(ctx: CliContext, file: Uint8Array, password: string | Uint8Array, name: string): Promise<Uint8Array> {
  const progress = startProgress(ctx, `decrypting ${name} (3 × 10,000,000 MD5 rounds)`);
  try {
    const share = await decryptDkekShare(file, password);
    progress.done(`${name} decrypted`);
    return share;
  } catch (err) {
    progress.done();
    throw err;
  }
}

async function thresholdPasswordFor(ctx: CliContext, reader: SecretReader, args: ShareSecretArgs): Promise<Uint8Array> {
  const base = args.shareIdBase ?? 'hex';
  if (args.sharesFile !== undefined) {
    const set = parseShareFileText(
      new TextDecoder().decode(await readInputFile(ctx, args.sharesFile, 'shares file', INPUT_LIMITS.thresholdShares)),
      base,
    );
    const shares = args.thresholdShares === undefined ? set.shares : set.shares.slice(0, args.thresholdShares);
    return reconstructPassword(set.prime, shares);
  }
  const set = await readShares(ctx, reader, args.thresholdShares ?? 2, base);
  return reconstructPassword(set.prime, set.shares);
}

async function openWithThreshold(ctx: CliContext, reader: SecretReader, args: ShareSecretArgs, file: Uint8Array, name: string) {
  const pw = await thresholdPasswordFor(ctx, reader, args);
  try {
    return await decryptWithProgress(ctx, file, pw, name);
  } catch (err) {
    if (err instanceof WrongPasswordError)
      throw new WrongPasswordError(
        `the password rebuilt from the shares does not open ${name}`,
        'give at least the threshold number of correct shares of THIS file (and check the share-ID base)',
      );
    throw err;
  } finally {
    pw.fill(0);
  }
}

/** Decrypt share file `index` (`file`: its bytes); at a prompt a wrong password may be retried (3 attempts). */
export async function openShareFile(
  ctx: CliContext,
  reader: SecretReader,
  args: ShareSecretArgs,
  index: number,
  file: Uint8Array,
): Promise<Uint8Array> {
  const name = args.files[index] ?? '';
  const parts = parseDkekShareFile(file);
  if (parts.extraBytes > 0)
    line(ctx.stderr, `warning: ${name} has ${parts.extraBytes} bytes after the 64-byte share; they are ignored (as sc-hsm-tool does)`);
  if (args.thresholdShares !== undefined || args.sharesFile !== undefined) return openWithThreshold(ctx, reader, args, file, name);
  const interactive = args.passwordEnv === undefined && args.passwordStdin !== true && canPrompt(ctx);
  for (let attempt = 1; ; attempt++) {
    const pw = await reader.read({
      what: `password of ${name}`,
      envVar: args.passwordEnv?.[index],
      stdin: args.passwordStdin === true,
      flags: '--password-env VAR or --password-stdin',
    });
    try {
      return await decryptWithProgress(ctx, file, pw, name);
    } catch (err) {
      if (!(err instanceof WrongPasswordError) || !interactive || attempt >= 3) throw err;
      line(ctx.stderr, 'wrong password; try again');
    }
  }
}

/** Open every share file in order (their bytes in `files`); on failure the shares opened so far are wiped. */
export async function openShareFiles(
  ctx: CliContext,
  reader: SecretReader,
  args: ShareSecretArgs,
  files: readonly Uint8Array[],
): Promise<Uint8Array[]> {
  const shares: Uint8Array[] = [];
  try {
    for (const [i, file] of files.entries())
      shares.push(await inFile(args.files[i] ?? '', () => openShareFile(ctx, reader, args, i, file)));
    return shares;
  } catch (err) {
    for (const s of shares) s.fill(0);
    throw err;
  }
}
