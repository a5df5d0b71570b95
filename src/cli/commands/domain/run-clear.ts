import { clearKeyDomain } from '../../../card/commands/clear-key-domain.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { dkekJson, dkekLines } from '../dkek/run-status.ts';
import { domainArg } from './domain-view.ts';

/** `schsm domain clear --domain N --yes`: login, then `80 52 04 N 00` (§3.10): every share is missing again. */
export async function runDomainClear(args: CardArgs & PinArgs & { domain: number; yes?: boolean }, ctx: CliContext): Promise<number> {
  const domain = domainArg(args.domain) ?? 0;
  if (args.yes !== true)
    throw new RefusedError(
      `clearing key domain ${domain} destroys its KEK: its keys cannot be wrapped until the same shares are imported again`,
      'run it again with --yes',
    );
  const status = await withDevice(args, ctx, (card) =>
    withLogin(card, new SecretReader(ctx), args, () => clearKeyDomain(card, domain, { confirm: true })),
  );
  if (args.json === true) printJson(ctx, { domain, ...(dkekJson(status) as object) });
  else {
    line(ctx.stdout, `cleared key domain ${domain}`);
    for (const l of dkekLines(status)) line(ctx.stdout, l);
  }
  return EXIT.OK;
}
