import { PIN_REF } from '../../../card/constants.ts';
import { pinStatus } from '../../../card/commands/verify-pin.ts';
import { describePinState } from '../../../card/pin-guard.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { askUserPin, verifyUserPin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';

/** `schsm pin verify`: guard (last try → exit 4 unless --allow-last-try), then VERIFY `00 20 00 81 Lc PIN` (§3.6). */
export async function runPinVerify(args: CardArgs & PinArgs, ctx: CliContext): Promise<number> {
  return withDevice(args, ctx, async (card) => {
    const pin = await askUserPin(card, new SecretReader(ctx), args);
    await card.exclusive(() => verifyUserPin(card, pin, args));
    const after = await pinStatus(card, PIN_REF.USER);
    if (args.json === true) printJson(ctx, { verified: true, state: after.state });
    else line(ctx.stdout, `user PIN verified (${describePinState(after)})`);
    return EXIT.OK;
  });
}
