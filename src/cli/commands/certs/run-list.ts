import { listCertificates } from '../../../card/certificates.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { certJson, certLines } from './view.ts';

/** `schsm certs list`: ENUMERATE, X.509 in each CExx, each C8xx with its CAxx (no PIN). */
export async function runCertsList(args: CardArgs, ctx: CliContext): Promise<number> {
  const certs = await withCard(args, ctx, (card) => listCertificates(card));
  if (args.json === true) printJson(ctx, certs.map(certJson));
  else if (certs.length === 0) line(ctx.stdout, 'no X.509 certificates');
  else
    certs.forEach((c, i) => {
      if (i > 0) line(ctx.stdout);
      for (const l of certLines(c)) line(ctx.stdout, l);
    });
  return EXIT.OK;
}
