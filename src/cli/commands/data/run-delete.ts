import { hex4 } from '../../../apdu/hex.ts';
import { deleteDataObject, findDataObject, listDataObjects } from '../../../card/data-objects.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { objectName, selection } from './view.ts';

/** `schsm data delete --label L --yes`: login, DELETE FILE on the content and on its C9xx description. */
export async function runDataDelete(
  args: CardArgs & PinArgs & { label?: string | undefined; fid?: string | undefined; yes?: boolean },
  ctx: CliContext,
): Promise<number> {
  const by = selection(args);
  const { object, gone } = await withDevice(args, ctx, async (card) => {
    const o = findDataObject(await listDataObjects(card), by);
    if (args.yes !== true) throw new RefusedError(`deleting ${objectName(o)} cannot be undone`, 'run it again with --yes');
    return { object: o, gone: await withLogin(card, new SecretReader(ctx), args, () => deleteDataObject(card, o)) };
  });
  if (args.json === true) printJson(ctx, { deleted: gone.map(hex4), label: object.label ?? null });
  else line(ctx.stdout, `deleted ${objectName(object)}: ${gone.map(hex4).join(', ')}`);
  return EXIT.OK;
}
