import { deleteKeyDomain } from '../../../card/commands/delete-key-domain.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { domainArg } from './domain-view.ts';

/**
 * `schsm domain delete --domain N --yes`: login, then `80 52 03 N` (§3.10). The card refuses (6A89)
 * while a key is in the domain; done = 6A88 (or 9000). Never guesses the device (withDevice).
 */
export async function runDomainDelete(args: CardArgs & PinArgs & { domain: number; yes?: boolean }, ctx: CliContext): Promise<number> {
  const domain = domainArg(args.domain) ?? 0;
  if (args.yes !== true)
    throw new RefusedError(
      `deleting key domain ${domain} destroys its KEK: blobs wrapped under it can no longer be unwrapped on this device`,
      'run it again with --yes',
    );
  await withDevice(args, ctx, (card) =>
    withLogin(card, new SecretReader(ctx), args, () => deleteKeyDomain(card, domain, { confirm: true })),
  );
  if (args.json === true) printJson(ctx, { domain, deleted: true });
  else line(ctx.stdout, `deleted key domain ${domain} (the slot is free)`);
  return EXIT.OK;
}
