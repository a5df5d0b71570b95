import { hex4 } from '../../../apdu/hex.ts';
import { deleteCertificate, findCertificate, listCertificates } from '../../../card/certificates.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { certName, selection } from './view.ts';

/**
 * `schsm certs delete … --yes`: on a named device (never guessed), login, DELETE FILE on CExx, or on
 * CAxx and its C8xx. A key whose certificate goes keeps signing, but the card no longer knows its
 * public key (keys export-pub needs CExx): the output says so.
 */
export async function runCertsDelete(
  args: CardArgs & PinArgs & { ref?: number | undefined; label?: string | undefined; fid?: string | undefined; yes?: boolean },
  ctx: CliContext,
): Promise<number> {
  const by = selection(args);
  if (args.yes !== true)
    throw new RefusedError('deleting a certificate cannot be undone', 'export it first (certs export), then run it again with --yes');
  const { cert, gone } = await withDevice(args, ctx, async (card) => {
    const c = findCertificate(await listCertificates(card), by);
    return { cert: c, gone: await withLogin(card, new SecretReader(ctx), args, () => deleteCertificate(card, c)) };
  });
  if (args.json === true) printJson(ctx, { deleted: gone.map(hex4), label: cert.label ?? null, kind: cert.kind });
  else {
    line(ctx.stdout, `deleted ${certName(cert)}: ${gone.map(hex4).join(', ')}`);
    if (cert.kind === 'end-entity' && cert.keyPresent)
      line(
        ctx.stderr,
        `note: key ${cert.keyRef} stays; the card no longer holds its public key (import a certificate again for keys export-pub)`,
      );
  }
  return EXIT.OK;
}
