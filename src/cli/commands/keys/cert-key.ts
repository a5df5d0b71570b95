/** What `keys request` and `keys self-sign` share: the key's public key, the scheme, the output file. */
import type { KeyObject } from 'node:crypto';
import { defaultScheme, schemeFromMechanism } from '../../../card/certificate-sign.ts';
import type { SignatureScheme } from '../../../card/formats/x509-build.ts';
import { encodeGeneralName, encodeName } from '../../../card/formats/x509-build.ts';
import { InvalidArgumentError } from '../../../card/host-errors.ts';
import { describeKey, keyReferences } from '../../../card/keys.ts';
import type { CardSession } from '../../../card/session.ts';
import { RefusedError, UsageError } from '../../exit-codes.ts';
import type { CliContext } from '../../context.ts';
import { checkWritable, writePublicFile } from '../../files.ts';

/** The public key the card holds for key `ref` (CV request or certificate in CExx). */
export async function cardPublicKey(card: CardSession, ref: number): Promise<{ publicKey: KeyObject; hasX509: boolean }> {
  if (!(await keyReferences(card)).includes(ref))
    throw new InvalidArgumentError(`there is no key ${ref} on this device`, 'schsm keys list shows the keys');
  const k = await describeKey(card, ref);
  if (k.kind === 'aes')
    throw new RefusedError(`key ${ref} is an AES key: it cannot sign a certificate`, 'choose an RSA or EC key (schsm keys list)');
  if (k.publicKey === undefined)
    throw new RefusedError(
      `the card holds no public key for key ${ref} (no CV request or certificate in CE${ref.toString(16).padStart(2, '0').toUpperCase()})`,
      'a key imported without a certificate: import its certificate first (schsm certs import FILE --ref N)',
    );
  return { publicKey: k.publicKey, hasX509: k.certificate === 'x509' };
}

export function schemeFor(alg: string | undefined, publicKey: KeyObject): SignatureScheme {
  if (alg === undefined) return defaultScheme(publicKey);
  try {
    return schemeFromMechanism(alg, publicKey);
  } catch (err) {
    throw new UsageError(`--alg: ${(err as Error).message}`);
  }
}

/** Before the card: the output file must be writable (or - for stdout). */
export async function checkOut(ctx: CliContext, out: string | undefined, force: boolean): Promise<void> {
  if (out !== undefined && out !== '-') await checkWritable(ctx, out, force);
}

/** Write PEM to the file or stdout. */
export async function writeOut(ctx: CliContext, out: string, pem: string, force: boolean): Promise<void> {
  if (out === '-') ctx.stdout(pem);
  else await writePublicFile(ctx, out, pem, force);
}

/** Subject and SANs are checked before any device is opened (usage errors, exit 2). */
export function checkNames(subject: string, san: readonly string[] | undefined): void {
  try {
    encodeName(subject);
    for (const s of san ?? []) encodeGeneralName(s);
  } catch (err) {
    throw new UsageError((err as Error).message, (err as { hint?: string }).hint);
  }
}
