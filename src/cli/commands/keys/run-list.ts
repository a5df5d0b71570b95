import { listKeys } from '../../../card/keys.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { keyJson, keyLines } from './key-view.ts';

/** `schsm keys list`: ENUMERATE, then C4xx/CExx per key (public files, no PIN needed, §5.1). */
export async function runKeysList(args: CardArgs, ctx: CliContext): Promise<number> {
  const keys = await withCard(args, ctx, (card) => listKeys(card));
  if (args.json === true) {
    printJson(ctx, keys.map(keyJson));
    return EXIT.OK;
  }
  if (keys.length === 0) line(ctx.stdout, 'no keys (besides the device key)');
  keys.forEach((k, i) => {
    if (i > 0) line(ctx.stdout);
    for (const l of keyLines(k)) line(ctx.stdout, l);
  });
  return EXIT.OK;
}
