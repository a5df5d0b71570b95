import { exportPublicKey } from '../../../card/keys.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, reportContext, writePublicFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import { keyRef } from './key-ref.ts';

/** `schsm keys export-pub --ref N [--out FILE] [--format pem|der]`: SPKI from CExx (no PIN, §5.1). */
export async function runKeysExportPub(
  args: CardArgs & { ref: number; out?: string | undefined; format?: 'pem' | 'der' },
  ctx: CliContext,
): Promise<number> {
  const ref = keyRef(args.ref);
  const format = args.format ?? 'pem';
  if (args.out === undefined && format === 'der') throw new UsageError('DER is binary: give --out FILE');
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const key = await withCard(args, ctx, (card) => exportPublicKey(card, ref));
  const der = spkiDer(key);
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  if (args.out !== undefined) await writePublicFile(ctx, args.out, format === 'pem' ? pem : der, args.force === true);
  if (args.json === true)
    printJson(reportContext(ctx, args.out), { ref, file: args.out ?? null, format, fingerprint: spkiFingerprint(der), pem });
  else if (args.out === undefined) ctx.stdout(pem);
  else line(ctx.stderr, `public key of key ${ref} written to ${args.out} (${format.toUpperCase()}, SHA-256 ${spkiFingerprint(der)})`);
  return EXIT.OK;
}
