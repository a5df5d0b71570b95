/**
 * `schsm dkek create-share FILE`: a DKEK share file in sc-hsm-tool's `.pbe` format (§8.2).
 *
 * Decision: the 32 share bytes, the salt and a threshold password come from THIS computer's
 * CSPRNG (node:crypto randomBytes), not from the card's GET CHALLENGE as sc-hsm-tool does: anything the
 * card sends travels as a response APDU and would sit in clear in a recorded trace or a PC/SC log, and
 * the command needs no card at all. The file is interchangeable with sc-hsm-tool's in both directions.
 */
import { randomBytes } from 'node:crypto';
import { encryptDkekShare } from '../../../card/formats/dkek-share-file.ts';
import { dkekKcv, formatKcv } from '../../../card/formats/kcv.ts';
import { splitPassword, thresholdPassword, type PasswordSplit } from '../../../card/formats/threshold.ts';
import { formatColonHex, formatShareId } from '../../../card/formats/threshold-text.ts';
import type { GlobalArgs } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, reportContext, writeSecretFile } from '../../files.ts';
import { field, printJson } from '../../output.ts';
import { startProgress } from '../../progress.ts';
import { SecretReader } from '../../secret-input.ts';
import { presentShares } from './threshold-io.ts';

export interface CreateShareArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly passwordEnv?: string | undefined;
  readonly passwordStdin?: boolean;
  readonly threshold?: number | undefined;
  readonly total?: number | undefined;
}

/** sc-hsm-tool asks for at least 6 characters when it prompts (ask_for_password, §8.2). */
export function validateNewPassword(pw: string): void {
  if (pw.length < 6) throw new UsageError('the share password must have at least 6 characters');
}

function checkThreshold(args: CreateShareArgs): void {
  if (args.threshold === undefined && args.total === undefined) return;
  const { threshold: t, total: n } = args;
  if (t === undefined || n === undefined) throw new UsageError('--threshold and --total go together');
  if (!Number.isInteger(n) || n < 3 || n > 255) throw new UsageError(`--total must be 3..255 (sc-hsm-tool needs at least 3), got ${n}`);
  if (!Number.isInteger(t) || t < 2 || t > n) throw new UsageError(`--threshold must be 2..${n}, got ${t}`);
  if (args.passwordEnv !== undefined || args.passwordStdin === true)
    throw new UsageError('with --threshold the password is generated and split; --password-env/--password-stdin do not apply');
}

async function derive(ctx: CliContext, share: Uint8Array, password: string | Uint8Array): Promise<Uint8Array> {
  const progress = startProgress(ctx, 'encrypting the share (3 × 10,000,000 MD5 rounds)');
  try {
    const file = await encryptDkekShare(share, password, { salt: new Uint8Array(randomBytes(8)), onProgress: (f) => progress.update(f) });
    progress.done('share encrypted');
    return file;
  } catch (err) {
    progress.done();
    throw err;
  }
}

function splitJson(split: PasswordSplit): unknown {
  return {
    threshold: split.threshold,
    total: split.shares.length,
    prime: formatColonHex(split.prime),
    shares: split.shares.map((s) => ({ id: formatShareId(s.id), value: formatColonHex(s.value) })),
  };
}

export async function runCreateShare(args: CreateShareArgs, ctx: CliContext): Promise<number> {
  checkThreshold(args);
  const force = args.force === true;
  await checkWritable(ctx, args.file, force);
  const reader = new SecretReader(ctx);
  const threshold = args.threshold !== undefined;
  const password: string | Uint8Array = threshold
    ? thresholdPassword()
    : await reader.read({
        what: 'share password',
        envVar: args.passwordEnv,
        stdin: args.passwordStdin === true,
        flags: '--password-env VAR or --password-stdin',
        confirm: true,
        validate: validateNewPassword,
      });
  const split = threshold && password instanceof Uint8Array ? splitPassword(password, args.threshold ?? 2, args.total ?? 3) : undefined;
  const share = new Uint8Array(randomBytes(32));
  try {
    const file = await derive(ctx, share, password);
    await writeSecretFile(ctx, args.file, file, force);
    const kcv = formatKcv(dkekKcv(share));
    const report = reportContext(ctx, args.file);
    if (args.json === true)
      printJson(report, { file: args.file, shareKcv: kcv, passwordShares: split === undefined ? null : splitJson(split) });
    else {
      if (split !== undefined) await presentShares(report, reader, split);
      line(report.stdout, field('DKEK share file', `${args.file} (mode 0600)`));
      line(report.stdout, field('KCV of this share', `${kcv} (the device KCV if it is the only share)`));
      line(report.stdout, `keep the file and its password apart; print it with: openssl base64 -in ${args.file}`);
    }
    return EXIT.OK;
  } finally {
    share.fill(0);
    if (password instanceof Uint8Array) password.fill(0);
  }
}
