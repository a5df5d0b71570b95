/**
 * `schsm pin change [--so-pin]`: CHANGE REFERENCE DATA `00 24 00 81|88 Lc old ‖ new` (§3.7). The guard
 * runs first (a transport PIN may be changed; the last try, and a transport PIN whose tries the card does not show,
 * need --allow-last-try). Sources: --pin-env /
 * --new-pin-env, --pin-stdin (two lines: current, new), the literal flags, or hidden prompts.
 */
import { PIN_REF, pinName } from '../../../card/constants.ts';
import { changeReferenceData } from '../../../card/commands/change-reference-data.ts';
import { pinStatus } from '../../../card/commands/verify-pin.ts';
import { describePinState, guardPinAttempt } from '../../../card/pin-guard.ts';
import { weakPinReason } from '../../../card/pin-policy.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { guardOptions, validateSoPin, validateUserPin, type PinArgs } from '../../pin-options.ts';
import { SecretReader, type SecretSpec } from '../../secret-input.ts';

export interface PinChangeArgs extends CardArgs, PinArgs {
  readonly soPin?: boolean;
  readonly newPinEnv?: string | undefined;
  readonly newPin?: string | undefined;
}

function specs(args: PinChangeArgs, ref: number): [SecretSpec, SecretSpec] {
  const name = pinName(ref);
  const validate = ref === PIN_REF.SO ? validateSoPin : validateUserPin;
  const stdin = args.pinStdin === true;
  return [
    {
      what: `current ${name}`,
      envVar: args.pinEnv,
      stdin,
      literal: args.pin,
      literalFlag: '--pin',
      flags: '--pin-env VAR or --pin-stdin',
      validate,
    },
    {
      what: `new ${name}`,
      envVar: args.newPinEnv,
      stdin,
      literal: args.newPin,
      literalFlag: '--new-pin',
      flags: '--new-pin-env VAR or --pin-stdin (second line)',
      validate,
      confirm: true,
    },
  ];
}

export async function runPinChange(args: PinChangeArgs, ctx: CliContext): Promise<number> {
  const ref = args.soPin === true ? PIN_REF.SO : PIN_REF.USER;
  return withDevice(args, ctx, async (card) => {
    const guard = { ...guardOptions(args), allowTransportPin: true };
    await guardPinAttempt(card, ref, guard);
    const reader = new SecretReader(ctx);
    const [currentSpec, newSpec] = specs(args, ref);
    const current = await reader.read(currentSpec);
    const next = await reader.read(newSpec);
    const weak = weakPinReason(ref, next);
    if (weak !== undefined) line(ctx.stderr, `warning: ${weak}`);
    // the channel's guard asks the tries left again right before CHANGE REFERENCE DATA (apdu/guard.ts)
    await card.exclusive(async () => {
      await changeReferenceData(
        card,
        ref === PIN_REF.SO
          ? { ref: PIN_REF.SO, oldPin: current, newPin: next, ...guardOptions(args) }
          : { oldPin: current, newPin: next, ...guardOptions(args) },
      );
    });
    const after = await pinStatus(card, ref);
    if (args.json === true)
      printJson(ctx, { changed: ref === PIN_REF.SO ? 'so-pin' : 'user-pin', state: after.state, retriesLeft: after.retriesLeft ?? null });
    else line(ctx.stdout, `${pinName(ref)} changed (${describePinState(after)})`);
    return EXIT.OK;
  });
}
