/**
 * Open the card a command names (--reader / --sim / --sim-state / --record, via ctx.openTransport),
 * SELECT the SmartCard-HSM applet, run the command's work and always release the card. The session's
 * channel guard (apdu/guard.ts) refuses a PIN try that could block a PIN unless --allow-last-try; its
 * refusals are RefusedErrors naming that flag (exit 4).
 *
 * Two ways to get the card (cli/device.ts): `withCard` for read-only commands takes the first card
 * when no reader is named (and says which, when there were several); `withDevice` for commands that
 * can erase a device or spend a PIN try never guesses, and names the device before any secret is asked.
 */
import { SmartCardHsm } from '../card/sc-hsm.ts';
import { plainAnnotations } from '../trace/sm-annotate.ts';
import { AmbiguousCardError } from '../transport/pcsc.ts';
import { cardSource, type GlobalArgs } from './command.ts';
import type { CardSource, CliContext } from './context.ts';
import { announceDevice, listCandidates, noteChoice } from './device.ts';

/** The global options as yargs hands them to a handler (camel-case keys included). */
export type CardArgs = Partial<GlobalArgs> & {
  readonly simState?: string | undefined;
  readonly secureChannel?: boolean | undefined;
  readonly allowLastTry?: boolean | undefined;
};

/** What the session allows beyond the default protection. */
export interface CardPolicy {
  /** --allow-last-try. */
  readonly allowLastTry?: boolean | undefined;
}

/** Open `source`, select the applet, run `fn`, close. */
export async function withCardAt<T>(
  ctx: CliContext,
  source: CardSource,
  fn: (card: SmartCardHsm) => Promise<T>,
  policy: CardPolicy = {},
): Promise<T> {
  const transport = await ctx.openTransport(source);
  try {
    const card = await SmartCardHsm.open(transport, policy.allowLastTry === true ? { allowLastTry: true } : {});
    if (source.secureChannel === true)
      await card.openSecureChannel({ observer: plainAnnotations(transport, { redact: source.noRedact !== true }) });
    return await fn(card);
  } finally {
    await transport.close();
  }
}

/** A read-only command: the card named by the global options, or the first one (saying which, if several). */
export function withCard<T>(args: CardArgs, ctx: CliContext, fn: (card: SmartCardHsm) => Promise<T>): Promise<T> {
  return withCardAt(ctx, { ...cardSource(args), onChoice: noteChoice(ctx) }, fn, { allowLastTry: args.allowLastTry });
}

/**
 * A command that can erase a device or spend a PIN try, on `source`: refuse to guess among several
 * cards (listing them), then name the device on stderr as `role` before `fn` asks for anything.
 */
export async function withDeviceAt<T>(
  ctx: CliContext,
  source: CardSource,
  fn: (card: SmartCardHsm) => Promise<T>,
  policy: CardPolicy = {},
  role = 'device',
): Promise<T> {
  try {
    return await withCardAt(
      ctx,
      { ...source, requireUniqueCard: true },
      async (card) => {
        await announceDevice(ctx, card, role);
        return fn(card);
      },
      policy,
    );
  } catch (err) {
    if (err instanceof AmbiguousCardError) throw await listCandidates(ctx, source, err);
    throw err;
  }
}

/** `withDeviceAt` on the card named by the global options. */
export function withDevice<T>(args: CardArgs, ctx: CliContext, fn: (card: SmartCardHsm) => Promise<T>): Promise<T> {
  return withDeviceAt(ctx, cardSource(args), fn, { allowLastTry: args.allowLastTry });
}
