import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { hex4 } from '../../../apdu/hex.ts';
import { readCertificateFile } from '../../../card/formats/x509.ts';
import { importCertificate } from '../../../card/certificate-import.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef, parseHexId } from '../keys/key-ref.ts';
import { certFiles, certJson } from './view.ts';

export interface CertsImportArgs extends CardArgs, PinArgs {
  readonly file: string;
  readonly ref?: number | undefined;
  readonly ca?: boolean;
  readonly label?: string | undefined;
  readonly id?: string | undefined;
  readonly replace?: boolean;
  readonly allowKeyMismatch?: boolean;
}

function checkArgs(args: CertsImportArgs): void {
  if (args.ref !== undefined) keyRef(args.ref);
  if (args.ref !== undefined && args.ca === true)
    throw new UsageError('--ref stores the certificate with a key; --ca as a CA certificate: one of them');
  if (args.ref !== undefined && (args.label !== undefined || args.id !== undefined))
    throw new UsageError(
      'an end-entity certificate takes the label and ID of its key (PRKD)',
      'leave out --label and --id, or change the key’s',
    );
}

/**
 * `schsm certs import FILE`: read and decode the certificate before any device is touched; on the named
 * device find where it goes (with key N, CExx; or as a CA certificate, CAxx + C8xx), check it belongs to
 * its key (refused otherwise unless --allow-key-mismatch), login, write.
 */
export async function runCertsImport(args: CertsImportArgs, ctx: CliContext): Promise<number> {
  checkArgs(args);
  const cert = readCertificateFile(await readInputFile(ctx, args.file, 'certificate', INPUT_LIMITS.efContent), args.file);
  const options = {
    ref: args.ref,
    ca: args.ca,
    label: args.label,
    id: args.id === undefined ? undefined : parseHexId(args.id),
    replace: args.replace,
    allowKeyMismatch: args.allowKeyMismatch,
  };
  const result = await withDevice(args, ctx, (card) =>
    importCertificate(card, cert, options, (fn) => withLogin(card, new SecretReader(ctx), args, fn)),
  );
  const c = result.cert;
  if (args.json === true)
    printJson(ctx, {
      stored: certJson(c),
      replaced: result.replaced,
      keyCheck:
        result.match === undefined
          ? null
          : result.match.result === 'unknown'
            ? `not checked: ${result.match.reason}`
            : `${result.match.result}: ${result.match.method}`,
    });
  else {
    const where = c.kind === 'end-entity' ? `with key ${c.keyRef} in ${hex4(c.fid)}` : `as CA certificate ${certFiles(c)}`;
    line(ctx.stdout, `stored ${JSON.stringify(cert.subject)} ${where}${c.label === undefined ? '' : `, label ${JSON.stringify(c.label)}`}`);
    const m = result.match;
    if (m !== undefined)
      line(
        ctx.stdout,
        m.result === 'unknown'
          ? `key check: NOT checked (${m.reason})`
          : `key check: ${m.result === 'match' ? 'belongs to the key' : 'does NOT belong to the key (--allow-key-mismatch)'}: ${m.method}`,
      );
  }
  return EXIT.OK;
}
