import { listDataObjects } from '../../../card/data-objects.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { objectJson, objectLines } from './view.ts';

/** `schsm data list`: ENUMERATE, each C9xx decoded, each content file's size from SELECT (no PIN). */
export async function runDataList(args: CardArgs, ctx: CliContext): Promise<number> {
  const objects = await withCard(args, ctx, (card) => listDataObjects(card));
  if (args.json === true) printJson(ctx, objects.map(objectJson));
  else if (objects.length === 0) line(ctx.stdout, 'no data objects');
  else
    objects.forEach((o, i) => {
      if (i > 0) line(ctx.stdout);
      for (const l of objectLines(o)) line(ctx.stdout, l);
    });
  return EXIT.OK;
}
