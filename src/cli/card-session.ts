/**
 * Open the card a command names (--reader / --sim / --sim-state / --record, via ctx.openTransport),
 * SELECT the SmartCard-HSM applet, run the command's work and always release the card. The session's
 * channel guard (apdu/guard.ts) refuses a PIN try that could block a PIN unless --allow-last-try; its
 * refusals are RefusedErrors naming that flag (exit 4).
 */
import { SmartCardHsm } from '../card/sc-hsm.ts';
import { plainAnnotations } from '../trace/sm-annotate.ts';
import { cardSource, type GlobalArgs } from './command.ts';
import type { CardSource, CliContext } from './context.ts';

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

/** Open the card named by the global options and run `fn` with it. */
export function withCard<T>(args: CardArgs, ctx: CliContext, fn: (card: SmartCardHsm) => Promise<T>): Promise<T> {
  return withCardAt(ctx, cardSource(args), fn, { allowLastTry: args.allowLastTry });
}
