import { queryDkekStatusIfAny } from '../../../card/card-status.ts';
import { queryDkekStatus, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { domainArg } from '../domain/domain-view.ts';

/** What the KCV line says when the card answers 8 zero bytes (DkekStatus.kcvHidden). */
export const HIDDEN_KCV_TEXT = 'not shown by the card (8 zero bytes: this device shows it only after the user PIN is verified)';

/** sc-hsm-tool's lines (print_dkek_info): shares, then pending count or the KCV (§8.2); 0 shares: a card-made DKEK. */
export function dkekLines(d: DkekStatus): string[] {
  const out = [field('DKEK shares', d.total === 0 ? '0 (random DKEK made by the card)' : d.total)];
  if (d.outstanding > 0) out.push(`DKEK import pending, ${d.outstanding} share(s) still missing`);
  else out.push(field('DKEK key check value', d.kcvHidden ? HIDDEN_KCV_TEXT : d.kcv));
  return out;
}

export function dkekJson(d: DkekStatus): unknown {
  const complete = d.outstanding === 0;
  return {
    present: true,
    total: d.total,
    outstanding: d.outstanding,
    complete,
    kcv: complete && !d.kcvHidden ? d.kcv : null,
    kcvHidden: d.kcvHidden,
  };
}

const NO_DKEK_JSON = { present: false, total: null, outstanding: null, complete: false, kcv: null, kcvHidden: false };

function pinGiven(args: PinArgs): boolean {
  return args.pinEnv !== undefined || args.pinStdin === true || args.pin !== undefined;
}

/**
 * `schsm dkek status`: `80 52 00 00 00` (§3.10). A device that answers "no DKEK" (NO_DKEK_SW) is
 * reported as such (exit 0). When the card hides the KCV (zeros, as the independent
 * Pico HSM implementation does before VERIFY) and a user PIN source is given, log in and ask again.
 */
export async function runDkekStatus(args: CardArgs & PinArgs & { domain?: number | undefined }, ctx: CliContext): Promise<number> {
  const domain = domainArg(args.domain);
  const { dkek, loggedIn } = await withCard(args, ctx, async (card) => {
    const first = await queryDkekStatusIfAny(card, domain ?? 0);
    if (first === undefined || !first.kcvHidden || first.outstanding > 0 || !pinGiven(args)) return { dkek: first, loggedIn: false };
    return withLogin(card, new SecretReader(ctx), args, async () => ({ dkek: await queryDkekStatus(card, domain ?? 0), loggedIn: true }));
  });
  const inDomain = domain === undefined ? {} : { domain };
  if (args.json === true)
    printJson(
      ctx,
      dkek === undefined ? { ...inDomain, ...NO_DKEK_JSON } : { ...inDomain, ...(dkekJson(dkek) as object), afterLogin: loggedIn },
    );
  else if (dkek === undefined)
    line(
      ctx.stdout,
      domain === undefined || domain === 0
        ? field('DKEK', 'none (the device was initialised without DKEK shares, or is not initialised)')
        : field(`Key domain ${domain}`, 'none (a free slot, or no such domain: see `schsm domain list`)'),
    );
  else {
    if (domain !== undefined) line(ctx.stdout, field('Key domain', domain));
    for (const l of dkekLines(dkek)) line(ctx.stdout, l);
  }
  if (dkek?.kcvHidden === true && dkek.outstanding === 0)
    line(
      ctx.stderr,
      loggedIn
        ? 'note: the card hides the KCV even after the user PIN was verified; a wrapped key shows it (its first 8 bytes: schsm keys wrap prints it)'
        : 'note: the card hides the KCV until the user PIN is verified; give --pin-env VAR or --pin-stdin to log in and show it',
    );
  return EXIT.OK;
}
