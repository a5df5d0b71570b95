import { exportPkaFile } from '../../../card/pka.ts';
import type { PkaLayout } from '../../../card/formats/pka-file.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { checkWritable, reportContext, writePublicFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { keyRef } from '../keys/key-ref.ts';

/** `schsm pka export --ref N -o FILE [--layout old|new]`: EF CExx + EF 2F02 as a PKA file (§3.20); public data, no PIN. */
export async function runPkaExport(args: CardArgs & { ref: number; out: string; layout?: PkaLayout }, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  const layout = args.layout ?? 'old';
  await checkWritable(ctx, args.out, args.force === true);
  const { bytes, file } = await withCard(args, ctx, (card) => exportPkaFile(card, ref, layout));
  await writePublicFile(ctx, args.out, bytes, args.force === true);
  const chr = file.request.request.body.chr;
  const report = reportContext(ctx, args.out);
  if (args.json === true)
    printJson(report, { ref, file: args.out, layout, bytes: bytes.length, chr, device: file.device.body.chr, dica: file.dica.body.chr });
  else
    line(
      report.stdout,
      `key ${ref} (${chr}) of device ${file.device.body.chr} written to ${args.out} (${layout} layout, ${bytes.length} bytes); register it with \`schsm pka register ${args.out}\` on the device to protect`,
    );
  return EXIT.OK;
}
