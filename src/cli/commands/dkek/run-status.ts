import { queryDkekStatus, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';

/** sc-hsm-tool's lines (print_dkek_info): shares, then pending count or the KCV (§8.2); 0 shares: a card-made DKEK. */
export function dkekLines(d: DkekStatus): string[] {
  const out = [field('DKEK shares', d.total === 0 ? '0 (random DKEK made by the card)' : d.total)];
  out.push(d.outstanding > 0 ? `DKEK import pending, ${d.outstanding} share(s) still missing` : field('DKEK key check value', d.kcv));
  return out;
}

export function dkekJson(d: DkekStatus): unknown {
  return { total: d.total, outstanding: d.outstanding, complete: d.outstanding === 0, kcv: d.outstanding === 0 ? d.kcv : null };
}

/** `schsm dkek status`: `80 52 00 00 00` (§3.10). */
export async function runDkekStatus(args: CardArgs, ctx: CliContext): Promise<number> {
  const d = await withCard(args, ctx, (card) => queryDkekStatus(card));
  if (args.json === true) printJson(ctx, dkekJson(d));
  else for (const l of dkekLines(d)) line(ctx.stdout, l);
  return EXIT.OK;
}
