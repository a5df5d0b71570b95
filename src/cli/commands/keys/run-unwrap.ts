/**
 * `schsm keys unwrap FILE --ref M`: parse the §9.2 file offline, refuse (exit 4) when key M or its
 * C4/CE exist unless --replace (then they are deleted first, like sc-hsm-tool --force), compare the
 * blob's KCV with the card's DKEK before any PIN try (a card that shows its KCV only after login, as
 * the independent Pico HSM implementation does, is compared right after VERIFY, before
 * UNWRAP; one that never shows it is left to check the blob itself), then login + UNWRAP + PRKD/certificate in one
 * exclusive section, and finally prove the key: a signature over a random challenge must verify with
 * the certificate's public key (exit 1 if not).
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { toHex } from '../../../apdu/hex.ts';
import { queryDkekStatusIfAny } from '../../../card/card-status.ts';
import { type DkekStatus, queryDkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { domainOfKcv, listKeyDomains } from '../../../card/key-domains.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { decodeKeyBlob } from '../../../card/formats/key-blob.ts';
import { keyBlobTypeName } from '../../../card/formats/key-blob-layout.ts';
import { parseWrappedKeyFile } from '../../../card/formats/wrapped-key-file.ts';
import { importWrappedKey, occupiedObjects } from '../../../card/key-backup.ts';
import { describeKey } from '../../../card/keys.ts';
import { proveKeyPair } from '../../../card/key-proof.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import { KcvMismatchError } from '../../../card/formats/errors.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { inFile, readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { domainArg } from '../domain/domain-view.ts';
import { keyRef, occupiedHint } from './key-ref.ts';

/**
 * The key domain the blob goes into (§3.10: the card picks the domain whose KCV the blob carries).
 * `--domain N`: that domain, which must be in use. Otherwise domain 0 when its KCV matches (or is
 * hidden), else the domain whose KCV matches, else domain 0 (whose check then reports the mismatch).
 */
async function targetDomain(
  card: SmartCardHsm,
  domain: number | undefined,
  blobKcv: string,
): Promise<{ domain: number; status: DkekStatus }> {
  if (domain !== undefined) {
    const status = await queryDkekStatusIfAny(card, domain);
    if (status === undefined)
      throw new RefusedError(
        `key domain ${domain} is not in use on this device`,
        'see `schsm domain list`; create it with `schsm domain create`',
      );
    return { domain, status };
  }
  const zero = await queryDkekStatusIfAny(card, 0);
  if (zero !== undefined && zero.outstanding === 0 && (zero.kcvHidden || zero.kcv === blobKcv)) return { domain: 0, status: zero };
  const match = domainOfKcv(await listKeyDomains(card), blobKcv);
  if (match !== undefined && match.state !== 'free') return { domain: match.domain, status: match.status };
  return { domain: 0, status: zero ?? (await queryDkekStatus(card)) };
}

export async function runKeysUnwrap(
  args: CardArgs & PinArgs & { ref: number; file: string; domain?: number | undefined; replace?: boolean | undefined },
  ctx: CliContext,
): Promise<number> {
  const ref = keyRef(args.ref);
  const wanted = domainArg(args.domain);
  const bytes = await readInputFile(ctx, args.file, 'wrapped-key file', INPUT_LIMITS.wrappedKey);
  const file = await inFile(args.file, () => parseWrappedKeyFile(bytes));
  for (const w of file.warnings) line(ctx.stderr, `warning: ${args.file}: ${w}`);
  const blob = decodeKeyBlob(file.blob);
  const blobKcv = toHex(blob.kcv);
  const replace = args.replace === true;
  const key = await withDevice(args, ctx, async (card) => {
    const { domain, status: dkek } = await targetDomain(card, wanted, blobKcv);
    const inDomain = domain === 0 ? '' : ` of key domain ${domain}`;
    if (dkek.outstanding > 0)
      throw new RefusedError(
        `the device's DKEK${inDomain} is incomplete (${dkek.outstanding} share(s) missing)`,
        `import the DKEK shares first: schsm dkek import-share${domain === 0 ? '' : ` --domain ${domain}`}`,
      );
    if (!dkek.kcvHidden && dkek.kcv !== blobKcv) throw new KcvMismatchError(blobKcv, dkek.kcv, `${args.file}`);
    const taken = await occupiedObjects(card, ref);
    if (taken.length > 0 && !replace)
      throw new RefusedError(`key reference ${ref} is in use (${taken.join(', ')})`, occupiedHint('--ref', args));
    return withLogin(card, new SecretReader(ctx), args, async () => {
      if (dkek.kcvHidden) {
        const after = await queryDkekStatus(card, domain);
        if (!after.kcvHidden && after.kcv !== blobKcv) throw new KcvMismatchError(blobKcv, after.kcv, `${args.file}`);
      }
      await importWrappedKey(card, ref, file, { replace });
      const info = await describeKey(card, ref);
      const proof = info.publicKey === undefined ? undefined : await proveKeyPair(card, ref, info.publicKey);
      return { ...info, proof, domain };
    });
  });
  const fp = key.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(key.publicKey));
  const proof = key.proof;
  if (args.json === true)
    printJson(ctx, {
      ref,
      file: args.file,
      keyType: keyBlobTypeName(blob.keyType),
      kcv: blobKcv,
      domain: key.domain,
      label: key.label ?? null,
      publicKeyFingerprint: fp ?? null,
      replaced: replace,
      keyCheck: proof?.result ?? null,
    });
  else {
    line(
      ctx.stdout,
      `${args.file} unwrapped into key ${ref} (${keyBlobTypeName(blob.keyType)}, DKEK KCV ${blobKcv}${key.domain === 0 ? '' : `, key domain ${key.domain}`})`,
    );
    line(
      ctx.stdout,
      `  PRKD ${file.prkd === undefined ? 'absent' : 'written'}, certificate ${file.certificate === undefined ? 'absent' : 'written'}${key.label === undefined ? '' : `, label "${key.label}"`}`,
    );
    if (fp !== undefined) line(ctx.stdout, `  public key SHA-256 ${fp}`);
    if (proof !== undefined)
      line(
        ctx.stdout,
        `  key check: ${proof.result === 'not-checked' ? `not checked (${proof.reason})` : `${proof.method} ${proof.result === 'verified' ? "verifies with the certificate's public key" : "does NOT verify with the certificate's public key"}`}`,
      );
  }
  if (proof?.result === 'mismatch') {
    line(ctx.stderr, `error: the unwrapped key ${ref} does not match the certificate in ${args.file}`);
    return EXIT.FAILED;
  }
  return EXIT.OK;
}
