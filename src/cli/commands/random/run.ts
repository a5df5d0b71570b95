import { toHex } from '../../../apdu/hex.ts';
import { getChallenge } from '../../../card/commands/get-challenge.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, reportContext, writeSecretFile } from '../../files.ts';
import { printJson } from '../../output.ts';

/** GET CHALLENGE `00 84 00 00 Le` in pieces of ≤ 1024 bytes (§3.19); output as lowercase hex or a 0600 file. */
export async function runRandom(args: CardArgs & { bytes: number; out?: string | undefined }, ctx: CliContext): Promise<number> {
  const n = args.bytes;
  if (!Number.isInteger(n) || n < 1 || n > 65536) throw new UsageError(`the byte count must be 1..65536, got ${n}`);
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const bytes = await withCard(args, ctx, (card) => card.exclusive(() => getChallenge(card, n)));
  if (args.out !== undefined) {
    await writeSecretFile(ctx, args.out, bytes, args.force === true);
    if (args.json === true) printJson(reportContext(ctx, args.out), { bytes: n, file: args.out });
    else line(ctx.stderr, `${n} random bytes written to ${args.out}`);
  } else if (args.json === true) printJson(ctx, { bytes: n, hex: toHex(bytes).toLowerCase() });
  else line(ctx.stdout, toHex(bytes).toLowerCase());
  return EXIT.OK;
}
