/**
 * `keys import FILE SHARE.pbe [SHARE.pbe …] [options]`: the CLI's `keys import` on the session's card
 * (card/key-import.ts, no second implementation): the key file and share passwords from environment
 * variables or hidden prompts, the DKEK checked against the card's KCV before anything is sent, then
 * UNWRAP + PRKD + certificate and the proof. Uses the session's PIN state: `verify user` first.
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { queryDkekStatus } from '../../card/commands/import-dkek-share.ts';
import { decryptDkekShare } from '../../card/formats/dkek-share-file.ts';
import { KcvMismatchError } from '../../card/formats/errors.ts';
import { readKeyFile, type ImportedKey } from '../../card/formats/imported-key.ts';
import { assembleDkek, dkekKcv, formatKcv } from '../../card/formats/kcv.ts';
import { detectKeyFile, KEY_FILE_FORMATS, type KeyFileFormat, parseKek } from '../../card/formats/key-file.ts';
import { wipeKeyBlobKey } from '../../card/formats/private-key-der.ts';
import { occupiedObjects } from '../../card/key-backup.ts';
import { buildKeyImport, importKeyBlob, proofText } from '../../card/key-import.ts';
import { freeKeyReference, keyReferences } from '../../card/keys.ts';
import { fromHex } from '../../apdu/hex.ts';
import { readPrivateFile } from '../../transport/private-file.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { arity, parseArgs, type ParsedArgs } from '../args.ts';
import { completeWords } from '../complete.ts';
import { completePath, readLocalFile, resolveLocal } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';
import { keyRefArg } from './key-ref.ts';
import { formatKeyId } from '../../card/key-id.ts';

const SPEC = {
  ref: 'string',
  id: 'string',
  label: 'string',
  format: 'string',
  'kek-file': 'string',
  'password-env': 'string',
  'p12-password-env': 'string',
  'no-export': 'boolean',
  replace: 'boolean',
} as const;
const USAGE =
  'keys import FILE SHARE.pbe [SHARE.pbe …] [--ref N] [--id HEX] [--label L] [--format F] [--kek-file F] [--no-export] [--replace]';

async function secret(session: ExplorerSession, envVar: string | undefined, what: string): Promise<string> {
  if (envVar === undefined)
    return session.askSecret(
      `${what[0]?.toUpperCase()}${what.slice(1)}: `,
      what,
      'use the --…-env option, or run the explorer on a terminal',
    );
  const v = session.env[envVar];
  if (v === undefined || v === '') throw new UsageError(`environment variable ${envVar} is not set`);
  return v;
}

async function openKey(session: ExplorerSession, args: ParsedArgs, file: string): Promise<ImportedKey> {
  const bytes = await readLocalFile(session, file, 'key file', INPUT_LIMITS.keyFile);
  const kekFile = args.values.get('kek-file');
  const kek =
    kekFile === undefined
      ? undefined
      : parseKek(await readPrivateFile(resolveLocal(session, kekFile), `the key-encryption key ${kekFile}`, 1024), kekFile);
  try {
    const format = args.values.get('format') ?? 'auto';
    if (!(KEY_FILE_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be one of ${KEY_FILE_FORMATS.join(', ')}`);
    const kind = detectKeyFile(bytes, file, format as KeyFileFormat | 'auto', kek !== undefined);
    const password = kind.needsPassword ? await secret(session, args.values.get('p12-password-env'), `password of ${file}`) : undefined;
    return readKeyFile(bytes, file, kind, { password, kek });
  } finally {
    bytes.fill(0);
    kek?.fill(0);
  }
}

async function dkekFrom(session: ExplorerSession, args: ParsedArgs, shares: readonly string[]): Promise<Uint8Array> {
  const envs = args.values.get('password-env')?.split(',') ?? [];
  if (envs.length > 0 && envs.length !== shares.length)
    throw new UsageError(`--password-env needs one variable per share file (VAR1,VAR2,…)`);
  const opened: Uint8Array[] = [];
  try {
    for (const [i, name] of shares.entries()) {
      const pw = await secret(session, envs[i], `password of ${name}`);
      session.print(`decrypting ${name} (3 × 10,000,000 MD5 rounds, a few seconds)…`);
      opened.push(await decryptDkekShare(await readLocalFile(session, name, 'DKEK share file', INPUT_LIMITS.dkekShare), pw));
    }
    return assembleDkek(opened);
  } finally {
    for (const s of opened) s.fill(0);
  }
}

export const keyImport: Subcommand = {
  name: 'import',
  args: 'FILE SHARE.pbe [SHARE.pbe …] [--ref N] [--label L] [--id HEX] [--format F] [--kek-file F] [--no-export] [--replace]',
  help: 'import a PKCS#12 / PEM / DER / raw AES / AES-wrapped key under the DKEK of the share files',
  timeoutMs: 600_000,
  complete: (session, _i, partial) =>
    partial.startsWith('-')
      ? completeWords(
          Object.keys(SPEC).map((k) => `--${k}`),
          partial,
        )
      : completePath(session, partial),
  async run(session, tokens) {
    const args = parseArgs(tokens, SPEC);
    arity(args, 2, 17, USAGE);
    const [file = '', ...shares] = args.positional;
    const card = await session.card();
    const dkekState = await queryDkekStatus(card);
    if (dkekState.outstanding > 0)
      throw new RefusedError(`the DKEK is incomplete (${dkekState.outstanding} share(s) missing)`, 'dkek import SHARE first');
    const refText = args.values.get('ref');
    const ref = refText === undefined ? freeKeyReference(await keyReferences(card)) : keyRefArg(refText);
    const taken = await occupiedObjects(card, ref);
    if (taken.length > 0 && !args.flags.has('replace'))
      throw new RefusedError(`key reference ${ref} is in use (${taken.join(', ')})`, 'another --ref, or --replace to replace the key');
    const key = await openKey(session, args, file);
    try {
      const dkek = await dkekFrom(session, args, shares);
      let built: ReturnType<typeof buildKeyImport>;
      try {
        const kcv = formatKcv(dkekKcv(dkek));
        if (kcv !== dkekState.kcv) throw new KcvMismatchError(dkekState.kcv, kcv, 'the card’s DKEK');
        const id = args.values.get('id');
        built = buildKeyImport(key, dkek, {
          ref,
          label: args.values.get('label'),
          id: id === undefined ? undefined : fromHex(id),
          noExport: args.flags.has('no-export'),
        });
      } finally {
        dkek.fill(0);
      }
      const proof = await card.exclusive(() => importKeyBlob(card, built, { replace: args.flags.has('replace') }));
      await session.refreshFids().catch(() => undefined);
      session.print(
        `key ${ref} imported from ${file} (${key.source}): ${key.kind.toUpperCase()} ${key.curve?.name ?? key.bits}${built.label === undefined ? '' : ` ${JSON.stringify(built.label)}`}, ID ${formatKeyId(built.id)}, DKEK KCV ${built.kcv}`,
      );
      if (key.certificate !== undefined)
        session.print(`  certificate ${key.certificate.subject} stored in CE${ref.toString(16).padStart(2, '0').toUpperCase()}`);
      session.print(`  key check: ${proofText(proof)}`);
      if (proof.result === 'mismatch')
        throw new RefusedError(`the imported key ${ref} does not match ${file}`, 'delete it (keys delete) and check the key file');
    } finally {
      wipeKeyBlobKey(key.key);
    }
  },
};
