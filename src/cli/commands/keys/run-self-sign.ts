import { hex4 } from '../../../apdu/hex.ts';
import { createSelfSignedCertificate } from '../../../card/certificate-sign.ts';
import { writeEndEntityCertificate } from '../../../card/certificates.ts';
import { KEY_USAGES, type KeyUsageName } from '../../../card/formats/x509-build.ts';
import { certificatePem, readCertificate } from '../../../card/formats/x509.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { cardPublicKey, checkNames, checkOut, schemeFor, writeOut } from './cert-key.ts';
import { keyRef } from './key-ref.ts';

export interface KeysSelfSignArgs extends CardArgs, PinArgs {
  readonly ref: number;
  readonly subject: string;
  readonly san?: readonly string[] | undefined;
  readonly alg?: string | undefined;
  readonly days?: number;
  readonly ca?: boolean;
  readonly keyUsage?: string | undefined;
  readonly out?: string | undefined;
  readonly store?: boolean;
  readonly replace?: boolean;
}

function keyUsages(text: string | undefined): KeyUsageName[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(/[\s,]+/).filter((n) => n !== '');
  for (const n of names)
    if (!(KEY_USAGES as readonly string[]).includes(n))
      throw new UsageError(`--key-usage: unknown usage ${JSON.stringify(n)}`, `one of ${KEY_USAGES.join(', ')}`);
  return names as KeyUsageName[];
}

/** `schsm keys self-sign --ref N --subject … --days N`: X.509 v3 built here, signed by key N, stored in CExx and/or written out. */
export async function runKeysSelfSign(args: KeysSelfSignArgs, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  checkNames(args.subject, args.san);
  const store = args.store !== false;
  if (!store && args.out === undefined) throw new UsageError('--no-store needs --out: the certificate has to go somewhere');
  const keyUsage = keyUsages(args.keyUsage);
  await checkOut(ctx, args.out, args.force === true);
  const der = await withDevice(args, ctx, async (card) => {
    const { publicKey, hasX509 } = await cardPublicKey(card, ref);
    if (store && hasX509 && args.replace !== true)
      throw new RefusedError(
        `key ${ref} already has an X.509 certificate`,
        '--replace puts the new one in its place, --no-store --out FILE only writes it out',
      );
    const scheme = schemeFor(args.alg, publicKey);
    return withLogin(card, new SecretReader(ctx), args, async () => {
      const cert = await createSelfSignedCertificate(card, ref, publicKey, {
        subject: args.subject,
        san: args.san,
        scheme,
        days: args.days ?? 365,
        ca: args.ca,
        keyUsage,
      });
      if (store) await writeEndEntityCertificate(card, ref, cert);
      return cert;
    });
  });
  const x = readCertificate(der);
  const pem = certificatePem(der);
  if (args.out !== undefined && (args.out !== '-' || args.json !== true)) await writeOut(ctx, args.out, pem, args.force === true);
  const fid = hex4(0xce00 | ref);
  if (args.json === true)
    printJson(ctx, {
      ref,
      subject: x.subject,
      notBefore: x.notBefore,
      notAfter: x.notAfter,
      serial: x.serial,
      ca: x.ca,
      sha256: x.sha256,
      stored: store ? fid : null,
      out: args.out ?? null,
      pem,
    });
  else {
    const where = [
      store ? `stored with key ${ref} in ${fid}` : undefined,
      args.out !== undefined && args.out !== '-' ? `written to ${args.out}` : undefined,
    ].filter((w) => w !== undefined);
    line(
      args.out === '-' ? ctx.stderr : ctx.stdout,
      `self-signed certificate ${JSON.stringify(x.subject)}, valid ${x.notBefore} to ${x.notAfter}${where.length > 0 ? `: ${where.join(', ')}` : ''}`,
    );
  }
  return EXIT.OK;
}
