/**
 * `schsm keys wrap --ref N FILE`: login, WRAP KEY and read C4/CE in one exclusive section, then write
 * the §9.2 file (`30 { 04 blob, PRKD, certificate }`, sc-hsm-tool's format) with mode 0600, refusing
 * to overwrite (checked before the card is touched).
 */
import { toHex } from '../../../apdu/hex.ts';
import { decodeKeyBlob } from '../../../card/formats/key-blob.ts';
import { keyBlobTypeName } from '../../../card/formats/key-blob-layout.ts';
import { buildWrappedKeyFile } from '../../../card/formats/wrapped-key-file.ts';
import { exportWrappedKey } from '../../../card/key-backup.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { checkWritable, reportContext, writeSecretFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef } from './key-ref.ts';

export async function runKeysWrap(args: CardArgs & PinArgs & { ref: number; file: string }, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  const force = args.force === true;
  await checkWritable(ctx, args.file, force);
  const wrapped = await withDevice(args, ctx, (card) => withLogin(card, new SecretReader(ctx), args, () => exportWrappedKey(card, ref)));
  const bytes = buildWrappedKeyFile(wrapped);
  await writeSecretFile(ctx, args.file, bytes, force);
  const blob = decodeKeyBlob(wrapped.blob);
  const info = {
    ref,
    file: args.file,
    bytes: bytes.length,
    kcv: toHex(blob.kcv),
    keyType: keyBlobTypeName(blob.keyType),
    prkd: wrapped.prkd !== undefined,
    certificate: wrapped.certificate !== undefined,
  };
  const report = reportContext(ctx, args.file);
  if (args.json === true) printJson(report, info);
  else {
    line(report.stdout, `key ${ref} wrapped into ${args.file} (${bytes.length} bytes, mode 0600)`);
    line(
      report.stdout,
      `  ${info.keyType}, DKEK KCV ${info.kcv}; PRKD ${info.prkd ? 'included' : 'absent'}, certificate ${info.certificate ? 'included' : 'absent'}`,
    );
  }
  return EXIT.OK;
}
