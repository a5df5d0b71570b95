import { hex4 } from '../../../apdu/hex.ts';
import { deleteKey } from '../../../card/keys.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef } from './key-ref.ts';

/** `schsm keys delete --ref N --yes`: DELETE FILE on CCxx, C4xx, CExx (§3.4) after login. */
export async function runKeysDelete(args: CardArgs & PinArgs & { ref: number; yes?: boolean }, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  if (args.yes !== true)
    throw new RefusedError(`deleting key ${ref} cannot be undone (unless you have a wrapped backup)`, 'run it again with --yes');
  const deleted = await withDevice(args, ctx, (card) => withLogin(card, new SecretReader(ctx), args, () => deleteKey(card, ref)));
  if (args.json === true) printJson(ctx, { ref, deleted: deleted.map(hex4) });
  else line(ctx.stdout, `deleted key ${ref} (${deleted.map(hex4).join(', ')})`);
  return EXIT.OK;
}
