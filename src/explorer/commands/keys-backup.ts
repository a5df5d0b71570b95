/**
 * `keys wrap FILE --ref N [--force]` and `keys unwrap FILE --ref N [--replace]` (also REF FILE): key backup under the DKEK in
 * sc-hsm-tool's wrapped-key file format (§9.2), via card/key-backup.ts. The file is written 0600.
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { buildWrappedKeyFile, parseWrappedKeyFile } from '../../card/formats/wrapped-key-file.ts';
import { exportWrappedKey, importWrappedKey } from '../../card/key-backup.ts';
import { noForce, parseArgs } from '../args.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { Subcommand } from '../types.ts';
import { refAndFile } from './key-ref.ts';

const pathAt1 = (session: Parameters<typeof completePath>[0], i: number, partial: string): string[] =>
  i === 1 ? completePath(session, partial) : [];

export const keyWrap: Subcommand = {
  name: 'wrap',
  args: 'FILE --ref N [--force]',
  maxWords: 2,
  help: 'export a key encrypted under the DKEK (sc-hsm-tool --wrap-key format, mode 0600); also REF FILE',
  complete: pathAt1,
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean', ref: 'string' });
    const { ref, file } = refAndFile(args, 'keys wrap FILE --ref N [--force]');
    const card = await session.card();
    const wrapped = await card.exclusive(() => exportWrappedKey(card, ref));
    const bytes = buildWrappedKeyFile(wrapped);
    await writeLocalFile(session, file, bytes, args.flags.has('force'));
    const parts = [
      'key blob',
      ...(wrapped.prkd === undefined ? [] : ['PRKD']),
      ...(wrapped.certificate === undefined ? [] : ['certificate']),
    ];
    session.print(
      `key ${ref} wrapped into ${file} (${bytes.length} bytes: ${parts.join(', ')}); a device with the same DKEK can unwrap it`,
    );
  },
};

export const keyUnwrap: Subcommand = {
  name: 'unwrap',
  args: 'FILE --ref N [--replace]',
  maxWords: 2,
  help: 'import a wrapped key with its PRKD and certificate (--replace replaces an existing key N); also REF FILE',
  complete: pathAt1,
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean', replace: 'boolean', ref: 'string' });
    noForce(args, 'keys unwrap');
    const where = refAndFile(args, 'keys unwrap FILE --ref N [--replace]');
    const ref = where.ref;
    const file = parseWrappedKeyFile(await readLocalFile(session, where.file, 'wrapped-key file', INPUT_LIMITS.wrappedKey));
    const card = await session.card();
    await card.exclusive(() => importWrappedKey(card, ref, file, { replace: args.flags.has('replace') }));
    await session.refreshFids().catch(() => undefined);
    session.print(
      `key ${ref} unwrapped${file.prkd === undefined ? '' : ' with its PRKD'}${file.certificate === undefined ? '' : ' and certificate'}`,
    );
  },
};
