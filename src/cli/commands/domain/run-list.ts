import { listKeyDomains } from '../../../card/key-domains.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { domainJson, domainLine } from './domain-view.ts';

/**
 * `schsm domain list`: `80 52 00 <i> 00` for i = 0, 1, … until the device answers 6A86 or 6D00 — the
 * enumeration of CardContact's PKCS#11 module (§3.10). Status queries only, no PIN.
 */
export async function runDomainList(args: CardArgs, ctx: CliContext): Promise<number> {
  const domains = await withCard(args, ctx, (card) => listKeyDomains(card));
  if (args.json === true) printJson(ctx, { domains: domains.map(domainJson) });
  else if (domains.length === 0) line(ctx.stdout, 'no key domains (the device has no DKEK and was initialised without --key-domains)');
  else for (const d of domains) line(ctx.stdout, domainLine(d));
  return EXIT.OK;
}
