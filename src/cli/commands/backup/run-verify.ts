/**
 * `schsm backup verify FILE --share A.pbe …`: offline. Decrypt the share files (10M-round derivation
 * each, progress on a terminal), XOR them into the DKEK (§8.1) and let card/formats verifyBackup check
 * the blob: KCV of the shares vs the blob's, AES-CMAC, key consistency, certificate vs key (§9).
 * Exit 0 only when everything verifies; 1 when a check fails.
 */
import { formatKeyId } from '../../../card/key-id.ts';
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { decryptDkekShare } from '../../../card/formats/dkek-share-file.ts';
import { verifyBackup, type BackupVerification } from '../../../card/formats/backup-verify.ts';
import type { GlobalArgs } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { inFile, readInputFile } from '../../files.ts';
import { field, printJson } from '../../output.ts';
import { startProgress } from '../../progress.ts';
import { SecretReader } from '../../secret-input.ts';

export interface BackupVerifyArgs extends Partial<GlobalArgs> {
  readonly file: string;
  readonly share: readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean;
}

async function openShares(ctx: CliContext, args: BackupVerifyArgs): Promise<Uint8Array[]> {
  if (args.passwordEnv !== undefined && args.passwordEnv.length !== args.share.length) {
    throw new UsageError(`give --password-env once per --share (${args.share.length} shares, ${args.passwordEnv.length} variables)`);
  }
  const files = await Promise.all(args.share.map((f) => readInputFile(ctx, f, 'DKEK share file', INPUT_LIMITS.dkekShare)));
  const reader = new SecretReader(ctx);
  const shares: Uint8Array[] = [];
  for (const [i, name] of args.share.entries()) {
    const pw = await reader.read({
      what: `password of ${name}`,
      envVar: args.passwordEnv?.[i],
      stdin: args.passwordStdin === true,
      flags: '--password-env VAR or --password-stdin',
    });
    const progress = startProgress(ctx, `decrypting ${name}`);
    try {
      shares.push(await inFile(name, () => decryptDkekShare(files[i] ?? new Uint8Array(0), pw, { onProgress: (f) => progress.update(f) })));
    } finally {
      progress.done();
    }
  }
  return shares;
}

const mark = (ok: boolean | undefined, yes: string, no: string, unknown = 'not checked'): string =>
  ok === undefined ? unknown : ok ? yes : no;

function keyText(v: BackupVerification): string {
  const k = v.key;
  if (k === undefined) return `${v.typeName} (not opened)`;
  const size = k.kind === 'ec' ? `${k.curve?.name ?? '?'} (${k.bits} bits)` : `${k.bits} bits`;
  return `${k.kind.toUpperCase()} ${size}, ${k.consistent ? 'private and public parts agree' : `INCONSISTENT: ${k.problems.join('; ')}`}`;
}

function reportLines(file: string, v: BackupVerification): string[] {
  const out = [
    field('File', `${file} (${v.container === 'wrapped-key-file' ? 'wrapped-key file' : 'key blob'})`),
    field('Blob KCV', v.blobKcv),
    field(
      'Shares KCV',
      `${v.dkekKcv ?? '?'} ${mark(v.kcvMatches, '(match)', '(DIFFERENT: these shares are not the DKEK of the exporting device)')}`,
    ),
    field('MAC', mark(v.macValid, 'valid', 'INVALID: the blob was modified or damaged')),
    field('Key', keyText(v)),
  ];
  if (v.key?.fingerprint !== undefined) out.push(field('Public key SHA-256', v.key.fingerprint));
  if (v.key !== undefined)
    out.push(field('Allowed algorithms', v.key.allowedAlgorithms.length === 0 ? 'any' : v.key.allowedAlgorithms.join(', ')));
  if (v.prkd !== undefined)
    out.push(
      field(
        'PRKD',
        `${v.prkd.label === undefined ? 'no label' : `label "${v.prkd.label}"`}, ID ${v.prkd.id === undefined ? '?' : formatKeyId(v.prkd.id)}, key ref ${v.prkd.ref ?? '?'}`,
      ),
    );
  if (v.certificate !== undefined) {
    out.push(
      field(
        'Certificate',
        `${v.certificate.kind} ${v.certificate.subject ?? ''}, ${mark(v.certificate.matchesKey, 'matches the key', 'does NOT match the key')}`,
      ),
    );
  }
  for (const w of v.warnings) out.push(`warning: ${w}`);
  out.push(field('Result', v.verified ? 'VERIFIED' : 'NOT VERIFIED'));
  return out;
}

function jsonOf(file: string, v: BackupVerification): unknown {
  const k = v.key;
  return {
    file,
    container: v.container,
    blobKcv: v.blobKcv,
    sharesKcv: v.dkekKcv ?? null,
    kcvMatches: v.kcvMatches ?? null,
    macValid: v.macValid ?? null,
    key:
      k === undefined
        ? null
        : {
            kind: k.kind,
            typeName: k.typeName,
            bits: k.bits,
            curve: k.curve?.name ?? null,
            fingerprint: k.fingerprint ?? null,
            allowedAlgorithms: k.allowedAlgorithms,
            consistent: k.consistent,
            problems: k.problems,
          },
    prkd:
      v.prkd === undefined
        ? null
        : {
            kind: v.prkd.kind,
            label: v.prkd.label,
            id: v.prkd.id === undefined ? undefined : formatKeyId(v.prkd.id),
            keyReference: v.prkd.ref,
          },
    certificate: v.certificate ?? null,
    warnings: v.warnings,
    verified: v.verified,
  };
}

export async function runBackupVerify(args: BackupVerifyArgs, ctx: CliContext): Promise<number> {
  const file = await readInputFile(ctx, args.file, 'wrapped-key file', INPUT_LIMITS.wrappedKey);
  const shares = await openShares(ctx, args);
  let result: BackupVerification;
  try {
    result = await inFile(args.file, () => verifyBackup({ file, shares }));
  } finally {
    for (const s of shares) s.fill(0);
  }
  if (args.json === true) printJson(ctx, jsonOf(args.file, result));
  else for (const l of reportLines(args.file, result)) line(ctx.stdout, l);
  return result.verified ? EXIT.OK : EXIT.FAILED;
}
