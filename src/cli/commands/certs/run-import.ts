import { createHash } from 'node:crypto';
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { hex4 } from '../../../apdu/hex.ts';
import { compareWithKey, matchCertificateToKey, type KeyMatch } from '../../../card/certificate-key-match.ts';
import { listCertificates, writeCaCertificate, writeEndEntityCertificate, type CertificateInfo } from '../../../card/certificates.ts';
import { certificateMatchesKey, commonName, readCertificateFile, type X509Summary } from '../../../card/formats/x509.ts';
import { spkiDer } from '../../../card/formats/public-key.ts';
import { InvalidArgumentError } from '../../../card/host-errors.ts';
import { intrinsicKeyId, listKeys, type KeyInfo } from '../../../card/keys.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef, parseHexId } from '../keys/key-ref.ts';
import { certFiles, certJson, certName } from './view.ts';

export interface CertsImportArgs extends CardArgs, PinArgs {
  readonly file: string;
  readonly ref?: number | undefined;
  readonly ca?: boolean;
  readonly label?: string | undefined;
  readonly id?: string | undefined;
  readonly replace?: boolean;
  readonly allowKeyMismatch?: boolean;
}

interface Stored {
  readonly cert: CertificateInfo;
  readonly match: KeyMatch | undefined;
  readonly replaced: boolean;
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

/** The key this certificate goes with: --ref, else the one whose public key it holds (unless --ca). */
function targetKey(args: CertsImportArgs, keys: readonly KeyInfo[], cert: X509Summary): KeyInfo | undefined {
  if (args.ref !== undefined) {
    const k = keys.find((x) => x.ref === args.ref);
    if (k === undefined)
      throw new InvalidArgumentError(
        `there is no key ${args.ref} on this device`,
        'schsm keys list shows the keys; --ca stores a certificate without a key',
      );
    return k;
  }
  if (args.ca === true) return undefined;
  return keys.find((k) => k.publicKey !== undefined && certificateMatchesKey(cert, k.publicKey));
}

function refuseMismatch(ref: number, m: KeyMatch): never {
  const why = m.result === 'unknown' ? `it cannot be checked (${m.reason})` : `its public key is not key ${ref}'s (${m.method})`;
  throw new RefusedError(
    `the certificate does not belong to key ${ref}: ${why}`,
    'check --ref (schsm keys list); --allow-key-mismatch stores it anyway, --ca as a CA certificate',
  );
}

async function importEndEntity(
  card: SmartCardHsm,
  ctx: CliContext,
  args: CertsImportArgs,
  key: KeyInfo,
  cert: X509Summary,
  existing: readonly CertificateInfo[],
): Promise<Stored> {
  const there = existing.find((c) => c.keyRef === key.ref);
  if (there !== undefined && args.replace !== true)
    throw new RefusedError(`key ${key.ref} already has an X.509 certificate (${certName(there)})`, '--replace puts this one in its place');
  const compared = compareWithKey(key, cert);
  if (compared.result === 'mismatch' && args.allowKeyMismatch !== true) refuseMismatch(key.ref, compared);
  return withLogin(card, new SecretReader(ctx), args, async () => {
    const match = compared.result === 'unknown' ? await matchCertificateToKey(card, key.ref, cert) : compared;
    if (match.result !== 'match' && args.allowKeyMismatch !== true) refuseMismatch(key.ref, match);
    const fid = await writeEndEntityCertificate(card, key.ref, cert.der);
    const info: CertificateInfo = {
      kind: 'end-entity',
      fid,
      keyRef: key.ref,
      keyPresent: true,
      cdFid: undefined,
      label: key.label,
      id: key.id,
      der: cert.der,
      x509: cert,
    };
    return { cert: info, match, replaced: there !== undefined };
  });
}

function defaultId(cert: X509Summary): Uint8Array {
  const t = cert.publicKey.asymmetricKeyType;
  if (t === 'rsa' || t === 'ec') return intrinsicKeyId(cert.publicKey);
  return new Uint8Array(createHash('sha1').update(spkiDer(cert.publicKey)).digest());
}

async function importCa(
  card: SmartCardHsm,
  ctx: CliContext,
  args: CertsImportArgs,
  cert: X509Summary,
  existing: readonly CertificateInfo[],
): Promise<Stored> {
  const label = args.label ?? commonName(cert.subject) ?? cert.subject;
  const same = existing.filter((c) => c.kind === 'ca' && (Buffer.from(c.der).equals(Buffer.from(cert.der)) || c.label === label));
  if (same.length > 1)
    throw new RefusedError(
      `${same.length} CA certificates have this content or label ${JSON.stringify(label)}`,
      'delete the extra ones by --fid first',
    );
  const there = same[0];
  if (there !== undefined && args.replace !== true)
    throw new RefusedError(
      `a CA certificate with this content or label ${JSON.stringify(label)} is stored (${certFiles(there)})`,
      'choose another --label, or --replace it',
    );
  const id = args.id === undefined ? defaultId(cert) : parseHexId(args.id);
  const stored = await withLogin(card, new SecretReader(ctx), args, () => writeCaCertificate(card, { der: cert.der, label, id }, there));
  return { cert: stored, match: undefined, replaced: there !== undefined };
}

/**
 * `schsm certs import FILE`: read and decode the certificate before any device is touched; on the named
 * device find where it goes (with key N, CExx; or as a CA certificate, CAxx + C8xx), check it belongs to
 * its key (refused otherwise unless --allow-key-mismatch), login, write.
 */
export async function runCertsImport(args: CertsImportArgs, ctx: CliContext): Promise<number> {
  checkArgs(args);
  const cert = readCertificateFile(await readInputFile(ctx, args.file, 'certificate', INPUT_LIMITS.efContent), args.file);
  const result = await withDevice(args, ctx, async (card) => {
    const [keys, existing] = [await listKeys(card), await listCertificates(card)];
    const key = targetKey(args, keys, cert);
    return key === undefined ? importCa(card, ctx, args, cert, existing) : importEndEntity(card, ctx, args, key, cert, existing);
  });
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
