/**
 * `keys request REF SUBJECT FILE` and `keys self-sign REF SUBJECT`: PKCS#10 and self-signed X.509 v3
 * built on the host and signed by the key on the card (card/certificate-sign.ts, the CLI's functions).
 * They use the PIN state of the shell: `verify user` first.
 */
import { createSelfSignedCertificate, createCertificateRequest, defaultScheme, schemeFromMechanism } from '../../card/certificate-sign.ts';
import { writeEndEntityCertificate } from '../../card/certificates.ts';
import { KEY_USAGES, type KeyUsageName } from '../../card/formats/x509-build.ts';
import { certificatePem, readCertificate } from '../../card/formats/x509.ts';
import { describeKey } from '../../card/keys.ts';
import type { CardSession } from '../../card/session.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { arity, parseArgs, parseNumber, type ParsedArgs } from '../args.ts';
import { completePath, writeLocalFile } from '../local-files.ts';
import type { Subcommand } from '../types.ts';
import { keyRefArg } from './key-ref.ts';

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})(?!$)/g, '$1\n')}\n-----END ${label}-----\n`;

async function keyFor(card: CardSession, ref: number, args: ParsedArgs) {
  const k = await describeKey(card, ref);
  if (k.publicKey === undefined || k.kind === 'aes')
    throw new RefusedError(`the card holds no public key for key ${ref}`, 'an RSA or EC key with a CV request or certificate in CExx');
  const alg = args.values.get('alg');
  return { key: k, scheme: alg === undefined ? defaultScheme(k.publicKey) : schemeFromMechanism(alg, k.publicKey), publicKey: k.publicKey };
}

const san = (args: ParsedArgs): string[] | undefined =>
  args.values
    .get('san')
    ?.split(',')
    .map((s) => s.trim());

export const keyRequest: Subcommand = {
  name: 'request',
  args: 'REF SUBJECT FILE [--san DNS:a,IP:b] [--alg ALG] [--force]',
  help: 'write a PKCS#10 request for a key (PEM), signed on the card',
  complete: (session, i, partial) => (i === 2 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { san: 'string', alg: 'string', force: 'boolean' });
    arity(args, 3, 3, 'keys request REF SUBJECT FILE [--san …] [--alg ALG] [--force]');
    const ref = keyRefArg(args.positional[0]);
    const card = await session.card();
    const { scheme, publicKey } = await keyFor(card, ref, args);
    const der = await createCertificateRequest(card, ref, publicKey, { subject: args.positional[1] ?? '', san: san(args), scheme });
    const file = args.positional[2] ?? '';
    await writeLocalFile(session, file, new TextEncoder().encode(pem('CERTIFICATE REQUEST', der)), args.flags.has('force'));
    session.print(`request for key ${ref} (${scheme.family} ${scheme.hash}) written to ${file}`);
  },
};

export const keySelfSign: Subcommand = {
  name: 'self-sign',
  args: 'REF SUBJECT [--days N] [--ca] [--key-usage U,V] [--san …] [--alg ALG] [--out FILE] [--no-store] [--replace] [--force]',
  help: 'make a self-signed X.509 certificate for a key, signed on the card; stored in CExx and/or written out',
  async run(session, tokens) {
    const spec = {
      days: 'string',
      ca: 'boolean',
      'key-usage': 'string',
      san: 'string',
      alg: 'string',
      out: 'string',
      'no-store': 'boolean',
      replace: 'boolean',
      force: 'boolean',
    } as const;
    const args = parseArgs(tokens, spec);
    arity(args, 2, 2, 'keys self-sign REF SUBJECT [--days N] [--ca] [--key-usage …] [--out FILE] [--no-store] [--replace]');
    const ref = keyRefArg(args.positional[0]);
    const store = !args.flags.has('no-store');
    const out = args.values.get('out');
    if (!store && out === undefined) throw new UsageError('--no-store needs --out FILE');
    const ku = args.values
      .get('key-usage')
      ?.split(',')
      .map((u) => u.trim());
    for (const u of ku ?? [])
      if (!(KEY_USAGES as readonly string[]).includes(u))
        throw new UsageError(`unknown key usage ${JSON.stringify(u)}`, KEY_USAGES.join(', '));
    const card = await session.card();
    const { key, scheme, publicKey } = await keyFor(card, ref, args);
    if (store && key.certificate === 'x509' && !args.flags.has('replace'))
      throw new RefusedError(`key ${ref} already has an X.509 certificate`, '--replace, or --no-store --out FILE');
    const days = parseNumber(args.values.get('days') ?? '365', '--days', 1, 36525);
    const der = await card.exclusive(async () => {
      const c = await createSelfSignedCertificate(card, ref, publicKey, {
        subject: args.positional[1] ?? '',
        san: san(args),
        scheme,
        days,
        ca: args.flags.has('ca'),
        keyUsage: ku as KeyUsageName[] | undefined,
      });
      if (store) await writeEndEntityCertificate(card, ref, c);
      return c;
    });
    if (out !== undefined) await writeLocalFile(session, out, new TextEncoder().encode(certificatePem(der)), args.flags.has('force'));
    const x = readCertificate(der);
    session.print(
      `self-signed ${JSON.stringify(x.subject)} valid ${x.notBefore} .. ${x.notAfter}${store ? `, stored in CE${ref.toString(16).padStart(2, '0').toUpperCase()}` : ''}${out === undefined ? '' : `, written to ${out}`}`,
    );
  },
};
