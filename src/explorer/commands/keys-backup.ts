/**
 * `keys wrap REF FILE [--force]` and `keys unwrap REF FILE [--force]`: key backup under the DKEK in
 * sc-hsm-tool's wrapped-key file format (§9.2), via card/key-backup.ts. The file is written 0600.
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { buildWrappedKeyFile, parseWrappedKeyFile } from '../../card/formats/wrapped-key-file.ts';
import { exportWrappedKey, importWrappedKey } from '../../card/key-backup.ts';
import { arity, parseArgs } from '../args.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { Subcommand } from '../types.ts';
import { keyRefArg } from './key-ref.ts';

const pathAt1 = (session: Parameters<typeof completePath>[0], i: number, partial: string): string[] =>
  i === 1 ? completePath(session, partial) : [];

export const keyWrap: Subcommand = {
  name: 'wrap',
  args: 'REF FILE [--force]',
  maxWords: 2,
  help: 'export a key encrypted under the DKEK (sc-hsm-tool --wrap-key format, mode 0600)',
  complete: pathAt1,
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 2, 2, 'keys wrap REF FILE [--force]');
    const ref = keyRefArg(args.positional[0]);
    const file = args.positional[1] ?? '';
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
  args: 'REF FILE [--force]',
  maxWords: 2,
  help: 'import a wrapped key with its PRKD and certificate (--force replaces an existing key REF)',
  complete: pathAt1,
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 2, 2, 'keys unwrap REF FILE [--force]');
    const ref = keyRefArg(args.positional[0]);
    const file = parseWrappedKeyFile(await readLocalFile(session, args.positional[1] ?? '', 'wrapped-key file', INPUT_LIMITS.wrappedKey));
    const card = await session.card();
    await card.exclusive(() => importWrappedKey(card, ref, file, { replace: args.flags.has('force') }));
    await session.refreshFids().catch(() => undefined);
    session.print(
      `key ${ref} unwrapped${file.prkd === undefined ? '' : ' with its PRKD'}${file.certificate === undefined ? '' : ' and certificate'}`,
    );
  },
};
