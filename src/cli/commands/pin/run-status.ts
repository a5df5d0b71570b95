import { PIN_REF } from '../../../card/constants.ts';
import { pinStatus } from '../../../card/commands/verify-pin.ts';
import { describePinState } from '../../../card/pin-guard.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';

/** `schsm pin status [--so-pin]`: VERIFY `00 20 00 81|88` without data (§3.6): never spends a try. */
export async function runPinStatus(args: CardArgs & { soPin?: boolean }, ctx: CliContext): Promise<number> {
  const ref = args.soPin === true ? PIN_REF.SO : PIN_REF.USER;
  const s = await withCard(args, ctx, (card) => pinStatus(card, ref));
  if (args.json === true)
    printJson(ctx, { pin: ref === PIN_REF.SO ? 'so-pin' : 'user-pin', state: s.state, retriesLeft: s.retriesLeft ?? null });
  else line(ctx.stdout, field(ref === PIN_REF.SO ? 'SO-PIN' : 'User PIN', describePinState(s)));
  return EXIT.OK;
}
