import { createDkekKeyDomain } from '../../../card/commands/create-dkek-key-domain.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { dkekJson, dkekLines } from '../dkek/run-status.ts';
import { domainArg } from './domain-view.ts';

export interface DomainCreateArgs extends CardArgs, PinArgs {
  readonly domain: number;
  readonly shares: number;
}

/** `schsm domain create --domain N --shares S`: login, then `80 52 01 N 01 S 00` (§3.10). */
export async function runDomainCreate(args: DomainCreateArgs, ctx: CliContext): Promise<number> {
  const domain = domainArg(args.domain) ?? 0;
  if (!Number.isInteger(args.shares) || args.shares < 1 || args.shares > 255)
    throw new UsageError(`--shares must be 1..255, got ${args.shares}`, 'the number of DKEK share files the custodians will import');
  const status = await withDevice(args, ctx, (card) =>
    withLogin(card, new SecretReader(ctx), args, () => createDkekKeyDomain(card, domain, args.shares)),
  );
  if (args.json === true) printJson(ctx, { domain, ...(dkekJson(status) as object) });
  else {
    line(ctx.stdout, `created key domain ${domain}`);
    for (const l of dkekLines(status)) line(ctx.stdout, l);
    line(ctx.stdout, `next: import ${status.outstanding} share(s) with \`schsm dkek import-share --domain ${domain} FILE…\``);
  }
  return EXIT.OK;
}
