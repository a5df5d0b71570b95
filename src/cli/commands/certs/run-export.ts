import { findCertificate, listCertificates } from '../../../card/certificates.ts';
import { certificatePem } from '../../../card/formats/x509.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, writePublicFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { certName, selection } from './view.ts';

export interface CertsExportArgs extends CardArgs {
  readonly ref?: number | undefined;
  readonly label?: string | undefined;
  readonly fid?: string | undefined;
  readonly out: string;
  readonly format?: 'pem' | 'der';
}

/** `schsm certs export … --out FILE|-`: READ BINARY of CExx / CAxx (no PIN); a file is never overwritten without --force. */
export async function runCertsExport(args: CertsExportArgs, ctx: CliContext): Promise<number> {
  const by = selection(args);
  const format = args.format ?? 'pem';
  const toStdout = args.out === '-';
  if (toStdout && format === 'der') throw new UsageError('DER is binary: give --out FILE', 'or --format pem for stdout');
  if (!toStdout) await checkWritable(ctx, args.out, args.force === true);
  const cert = await withCard(args, ctx, async (card) => findCertificate(await listCertificates(card), by));
  if (cert.x509 === undefined) throw new UsageError(`${certName(cert)} does not hold a readable X.509 certificate`);
  const pem = certificatePem(cert.der);
  if (!toStdout) await writePublicFile(ctx, args.out, format === 'pem' ? pem : cert.der, args.force === true);
  if (args.json === true) printJson(ctx, { certificate: certName(cert), out: toStdout ? null : args.out, format, pem });
  else if (toStdout) ctx.stdout(pem);
  else line(ctx.stderr, `${certName(cert)} written to ${args.out} (${format.toUpperCase()}, ${cert.x509.subject})`);
  return EXIT.OK;
}
