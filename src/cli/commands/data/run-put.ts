import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { encodeOid } from '../../../apdu/oid.ts';
import { listDataObjects, putDataObject } from '../../../card/data-objects.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { objectFiles, objectJson, objectName } from './view.ts';

/** Largest content: an EF of the card holds up to 32767 bytes (§3.3 offsets are 15 bits in OpenSC's reads). */
export const MAX_DATA_OBJECT = INPUT_LIMITS.dataObject;

export interface DataPutArgs extends CardArgs, PinArgs {
  readonly file: string;
  readonly label: string;
  readonly application?: string | undefined;
  readonly oid?: string | undefined;
  readonly private?: boolean;
  readonly replace?: boolean;
}

function checkOid(oid: string | undefined): void {
  if (oid === undefined) return;
  try {
    encodeOid(oid);
  } catch (err) {
    throw new UsageError(`--oid: ${(err as Error).message}`);
  }
}

/** `schsm data put FILE --label L`: login, then content (CDxx/CFxx) and description (C9xx), in one exclusive section. */
export async function runDataPut(args: DataPutArgs, ctx: CliContext): Promise<number> {
  checkOid(args.oid);
  const data = await readInputFile(ctx, args.file, 'data file', MAX_DATA_OBJECT);
  if (data.length > MAX_DATA_OBJECT)
    throw new UsageError(`${args.file} has ${data.length} bytes; a data object holds at most ${MAX_DATA_OBJECT}`);
  const input = { data, label: args.label, applicationName: args.application, applicationOid: args.oid, private: args.private !== false };
  const stored = await withDevice(args, ctx, async (card) => {
    const same = (await listDataObjects(card)).filter((o) => o.label === args.label);
    if (same.length > 1)
      throw new RefusedError(
        `${same.length} data objects are labelled ${JSON.stringify(args.label)}`,
        'delete the extra ones by --fid first',
      );
    const existing = same[0];
    if (existing !== undefined && args.replace !== true)
      throw new RefusedError(
        `a data object labelled ${JSON.stringify(args.label)} exists (${objectFiles(existing)})`,
        'choose another label, or --replace it',
      );
    return withLogin(card, new SecretReader(ctx), args, () => putDataObject(card, input, existing));
  });
  if (args.json === true) printJson(ctx, { stored: objectJson(stored), replaced: args.replace === true });
  else line(ctx.stdout, `stored ${data.length} bytes as ${stored.private ? 'private' : 'public'} data object ${objectName(stored)}`);
  return EXIT.OK;
}
