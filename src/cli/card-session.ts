/**
 * Open the card a command names (--reader / --sim / --sim-state / --record, via ctx.openTransport),
 * SELECT the SmartCard-HSM applet, run the command's work and always release the card. The retry
 * guard's LastPinTryError becomes a RefusedError (exit 4) with the CLI's --force hint.
 */
import { LastPinTryError } from '../card/host-errors.ts';
import { SmartCardHsm } from '../card/sc-hsm.ts';
import { plainAnnotations } from '../trace/sm-annotate.ts';
import { cardSource, type GlobalArgs } from './command.ts';
import type { CardSource, CliContext } from './context.ts';
import { RefusedError } from './exit-codes.ts';

/** The global options as yargs hands them to a handler (camel-case keys included). */
export type CardArgs = Partial<GlobalArgs> & { readonly simState?: string | undefined; readonly secureChannel?: boolean | undefined };

/** Open `source`, select the applet, run `fn`, close. */
export async function withCardAt<T>(ctx: CliContext, source: CardSource, fn: (card: SmartCardHsm) => Promise<T>): Promise<T> {
  const transport = await ctx.openTransport(source);
  try {
    const card = await SmartCardHsm.open(transport);
    if (source.secureChannel === true)
      await card.openSecureChannel({ observer: plainAnnotations(transport, { redact: source.noRedact !== true }) });
    return await fn(card);
  } catch (err) {
    // The card layer's retry guard refused: a refusal to protect the card is exit code 4 (brief).
    if (err instanceof LastPinTryError)
      throw new RefusedError(err.message, 'make sure of the PIN, then run the command again with --force');
    throw err;
  } finally {
    await transport.close();
  }
}

/** Open the card named by the global options and run `fn` with it. */
export function withCard<T>(args: CardArgs, ctx: CliContext, fn: (card: SmartCardHsm) => Promise<T>): Promise<T> {
  return withCardAt(ctx, cardSource(args), fn);
}
