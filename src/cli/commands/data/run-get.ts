import { toHex } from '../../../apdu/hex.ts';
import { findDataObject, listDataObjects, readDataObject } from '../../../card/data-objects.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { checkWritable, reportContext, writeSecretFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { objectName, selection } from './view.ts';

export interface DataGetArgs extends CardArgs, PinArgs {
  readonly label?: string | undefined;
  readonly fid?: string | undefined;
  readonly out?: string | undefined;
}

/** `schsm data get`: a public object without the PIN, a private one after it; hex on stdout or raw to --out (0600). */
export async function runDataGet(args: DataGetArgs, ctx: CliContext): Promise<number> {
  const by = selection(args);
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const { object, data } = await withCard(args, ctx, async (card) => {
    const o = findDataObject(await listDataObjects(card), by);
    const read = (): Promise<Uint8Array> => readDataObject(card, o);
    return { object: o, data: o.private ? await withLogin(card, new SecretReader(ctx), args, read) : await read() };
  });
  try {
    if (args.out !== undefined) await writeSecretFile(ctx, args.out, data, args.force === true);
    const report = reportContext(ctx, args.out);
    if (args.json === true)
      printJson(report, {
        object: objectName(object),
        size: data.length,
        out: args.out ?? null,
        ...(args.out === undefined ? { data: toHex(data) } : {}),
      });
    else if (args.out !== undefined) line(report.stdout, `${data.length} bytes of ${objectName(object)} written to ${args.out}`);
    else line(ctx.stdout, toHex(data));
  } finally {
    if (object.private) data.fill(0);
  }
  return EXIT.OK;
}
