import { stat } from 'node:fs/promises';
import { MAX_PKA_FILE } from '../../../card/formats/pka-file.ts';
import { registerPkaFile } from '../../../card/pka.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { readInputFile, resolvePath } from '../../files.ts';
import { printJson } from '../../output.ts';
import { describePka } from './run-status.ts';

/** `schsm pka register FILE`: teach the card the exporting device's chain, then MANAGE PKA (§3.20). */
export async function runPkaRegister(args: CardArgs & { file: string }, ctx: CliContext): Promise<number> {
  const size = await stat(resolvePath(ctx, args.file)).then(
    (s) => s.size,
    () => 0,
  );
  if (size > MAX_PKA_FILE)
    throw new UsageError(
      `${args.file} is ${size} bytes: a PKA file holds at most ${MAX_PKA_FILE}`,
      'is it the file `schsm pka export` wrote?',
    );
  const bytes = await readInputFile(ctx, args.file, 'PKA file', MAX_PKA_FILE);
  const { file, status } = await withDevice(args, ctx, (card) => registerPkaFile(card, bytes));
  const chr = file.request.request.body.chr;
  if (args.json === true)
    printJson(ctx, { file: args.file, layout: file.layout, chr, device: file.device.body.chr, dica: file.dica.body.chr, ...status });
  else {
    line(ctx.stdout, `registered key ${chr} of device ${file.device.body.chr} (issuer ${file.dica.body.chr}, ${file.layout} layout)`);
    line(ctx.stdout, `Public key authentication: ${describePka(status)}`);
  }
  return EXIT.OK;
}
