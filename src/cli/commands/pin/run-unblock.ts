/**
 * `schsm pin unblock`: RESET RETRY COUNTER with the SO-PIN (§3.8): `00 2C 00 81 Lc SO-PIN ‖ new PIN`, or
 * with --reset-only `00 2C 01 81 08 SO-PIN`. Needs option 0x0001 at initialisation (checked from the
 * SELECT options word before any SO-PIN try is spent); the SO-PIN's last try needs --allow-last-try.
 */
import { OPTION, PIN_REF } from '../../../card/constants.ts';
import { resetRetryCounter } from '../../../card/commands/reset-retry-counter.ts';
import { pinStatus } from '../../../card/commands/verify-pin.ts';
import { describePinState, guardPinAttempt } from '../../../card/pin-guard.ts';
import { weakPinReason } from '../../../card/pin-policy.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { guardOptions, validateSoPin, validateUserPin } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';

export interface PinUnblockArgs extends CardArgs {
  readonly soPinEnv?: string | undefined;
  readonly newPinEnv?: string | undefined;
  readonly stdin?: boolean;
  readonly resetOnly?: boolean;
}

export async function runPinUnblock(args: PinUnblockArgs, ctx: CliContext): Promise<number> {
  return withDevice(args, ctx, async (card) => {
    const opts = card.applet.options;
    if (opts !== undefined && (opts & OPTION.RESET_RETRY_COUNTER_ENABLED) === 0) {
      throw new RefusedError(
        'this device was initialised without "user PIN reset with SO-PIN" (option 0x0001): RESET RETRY COUNTER is refused by the card',
        're-initialise (erases everything) to enable it; no SO-PIN try was spent',
      );
    }
    const guard = guardOptions(args);
    await guardPinAttempt(card, PIN_REF.SO, guard);
    const reader = new SecretReader(ctx);
    const soPin = await reader.read({
      what: 'SO-PIN',
      envVar: args.soPinEnv,
      stdin: args.stdin === true,
      flags: '--so-pin-env VAR or --stdin',
      validate: validateSoPin,
    });
    const newPin =
      args.resetOnly === true
        ? undefined
        : await reader.read({
            what: 'new user PIN',
            envVar: args.newPinEnv,
            stdin: args.stdin === true,
            flags: '--new-pin-env VAR or --stdin (second line)',
            validate: validateUserPin,
            confirm: true,
          });
    const weak = newPin === undefined ? undefined : weakPinReason(PIN_REF.USER, newPin);
    if (weak !== undefined) line(ctx.stderr, `warning: ${weak}`);
    // the channel's guard asks the SO-PIN's tries again right before RESET RETRY COUNTER (apdu/guard.ts)
    await card.exclusive(async () => {
      await resetRetryCounter(card, { soPin, ...(newPin === undefined ? {} : { newPin }), ...guard });
    });
    const after = await pinStatus(card, PIN_REF.USER);
    if (args.json === true)
      printJson(ctx, { unblocked: true, newPinSet: newPin !== undefined, state: after.state, retriesLeft: after.retriesLeft ?? null });
    else line(ctx.stdout, `user PIN unblocked${newPin === undefined ? '' : ' and set'} (${describePinState(after)})`);
    return EXIT.OK;
  });
}
