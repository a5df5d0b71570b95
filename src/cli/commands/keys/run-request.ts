import { createCertificateRequest } from '../../../card/certificate-sign.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { cardPublicKey, checkNames, checkOut, schemeFor, writeOut } from './cert-key.ts';
import { keyRef } from './key-ref.ts';

export interface KeysRequestArgs extends CardArgs, PinArgs {
  readonly ref: number;
  readonly subject: string;
  readonly san?: readonly string[] | undefined;
  readonly alg?: string | undefined;
  readonly out: string;
}

const pemOf = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})(?!$)/g, '$1\n')}\n-----END ${label}-----\n`;

/** `schsm keys request --ref N --subject … --out req.pem`: PKCS#10 built here, signed by key N on the card. */
export async function runKeysRequest(args: KeysRequestArgs, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  checkNames(args.subject, args.san);
  await checkOut(ctx, args.out, args.force === true);
  const { der, scheme } = await withDevice(args, ctx, async (card) => {
    const { publicKey } = await cardPublicKey(card, ref);
    const s = schemeFor(args.alg, publicKey);
    const req = await withLogin(card, new SecretReader(ctx), args, () =>
      createCertificateRequest(card, ref, publicKey, { subject: args.subject, san: args.san, scheme: s }),
    );
    return { der: req, scheme: s };
  });
  const pem = pemOf('CERTIFICATE REQUEST', der);
  if (args.out !== '-' || args.json !== true) await writeOut(ctx, args.out, pem, args.force === true);
  const alg = `${scheme.family}-${scheme.hash}`;
  if (args.json === true) printJson(ctx, { ref, subject: args.subject, algorithm: alg, out: args.out === '-' ? null : args.out, pem });
  else if (args.out !== '-') line(ctx.stderr, `request for key ${ref} (${args.subject}, ${alg}) written to ${args.out}`);
  return EXIT.OK;
}

export { pemOf };
