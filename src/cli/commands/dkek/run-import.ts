/**
 * `schsm dkek import-share FILE…`: decrypt each `.pbe` file on the host (password from env, stdin or a
 * hidden prompt; or rebuilt from threshold shares, §8.3), then import all shares in ONE exclusive
 * section: `80 52 00 00 20 <share> 00` per file (§3.10). Output as sc-hsm-tool prints it (§8.2).
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { queryDkekStatus, importDkekShare, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { decryptDkekShare, parseDkekShareFile } from '../../../card/formats/dkek-share-file.ts';
import { WrongPasswordError } from '../../../card/formats/errors.ts';
import { reconstructPassword } from '../../../card/formats/threshold.ts';
import type { ShareIdBase } from '../../../card/formats/threshold-text.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { startProgress } from '../../progress.ts';
import { canPrompt, SecretReader } from '../../secret-input.ts';
import { dkekJson, dkekLines } from './run-status.ts';
import { parseShareFileText, readShares } from './threshold-io.ts';

export interface ImportShareArgs extends CardArgs {
  readonly files: readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean;
  readonly thresholdShares?: number | undefined;
  readonly sharesFile?: string | undefined;
  readonly shareIdBase?: ShareIdBase;
}

function checkArgs(args: ImportShareArgs): void {
  const threshold = args.thresholdShares !== undefined || args.sharesFile !== undefined;
  if (threshold && args.files.length !== 1) throw new UsageError('threshold shares open one share file at a time: give exactly one FILE');
  if (threshold && (args.passwordEnv !== undefined || args.passwordStdin === true))
    throw new UsageError('--threshold-shares/--shares-file replace the password options');
  const k = args.thresholdShares;
  if (k !== undefined && (!Number.isInteger(k) || k < 2 || k > 255)) throw new UsageError(`--threshold-shares must be 2..255, got ${k}`);
  if (args.passwordEnv !== undefined && args.passwordEnv.length !== args.files.length) {
    throw new UsageError(`give --password-env once per file (${args.files.length} files, ${args.passwordEnv.length} variables)`);
  }
}

/** Refuse before asking for any password when the card cannot take the shares. */
function checkCard(d: DkekStatus, count: number): void {
  if (d.outstanding === 0)
    throw new RefusedError(
      `all ${d.total} DKEK share(s) are already imported (KCV ${d.kcv})`,
      'importing more would change nothing on a real card; re-initialise to start a new DKEK',
    );
  if (count > d.outstanding)
    throw new RefusedError(
      `${count} share files given, but only ${d.outstanding} share(s) are still missing`,
      'import only the shares that belong to this device',
    );
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

async function thresholdPasswordFor(ctx: CliContext, reader: SecretReader, args: ImportShareArgs): Promise<Uint8Array> {
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

/** Decrypt one file (`file`: its bytes); at a prompt a wrong password may be retried (3 attempts). */
async function openShareFile(
  ctx: CliContext,
  reader: SecretReader,
  args: ImportShareArgs,
  index: number,
  file: Uint8Array,
): Promise<Uint8Array> {
  const name = args.files[index] ?? '';
  const parts = parseDkekShareFile(file);
  if (parts.extraBytes > 0)
    line(ctx.stderr, `warning: ${name} has ${parts.extraBytes} bytes after the 64-byte share; they are ignored (as sc-hsm-tool does)`);
  if (args.thresholdShares !== undefined || args.sharesFile !== undefined) {
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

async function importAll(card: SmartCardHsm, shares: readonly Uint8Array[]): Promise<DkekStatus[]> {
  return card.exclusive(async () => {
    const out: DkekStatus[] = [];
    for (const share of shares) out.push(await importDkekShare(card, share));
    return out;
  });
}

export async function runImportShare(args: ImportShareArgs, ctx: CliContext): Promise<number> {
  checkArgs(args);
  const files: Uint8Array[] = [];
  for (const f of args.files) files.push(await readInputFile(ctx, f, 'DKEK share file', INPUT_LIMITS.dkekShare)); // a missing file fails before the card is touched
  return withDevice(args, ctx, async (card) => {
    checkCard(await queryDkekStatus(card), args.files.length);
    const reader = new SecretReader(ctx);
    const shares: Uint8Array[] = [];
    try {
      for (const [i, file] of files.entries()) shares.push(await openShareFile(ctx, reader, args, i, file));
      const states = await importAll(card, shares);
      const last = states[states.length - 1];
      if (args.json === true) printJson(ctx, { imported: args.files, ...(last === undefined ? {} : (dkekJson(last) as object)) });
      else
        for (const [i, s] of states.entries()) {
          line(ctx.stdout, `imported ${args.files[i]}`);
          for (const l of dkekLines(s)) line(ctx.stdout, l);
        }
      return EXIT.OK;
    } finally {
      for (const s of shares) s.fill(0);
    }
  });
}
