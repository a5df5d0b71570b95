/**
 * Copying between card and host: `get FID [file]` (READ BINARY the whole EF into a local file),
 * `put FID file` (replace the EF's content: DELETE FILE, then UPDATE BINARY in chunks, §3.3/§3.4, so
 * no stale tail remains), `random N [file]` (GET CHALLENGE, §3.19). Local files: 0600, no overwrite
 * without --force.
 */
import { hexdump } from '../../apdu/hex.ts';
import { getChallenge } from '../../card/commands/get-challenge.ts';
import { replaceFile } from '../../card/files.ts';
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { arity, fidHex, parseArgs, parseFid, parseNumber } from '../args.ts';
import { completeFid } from '../complete.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { ExplorerCommand } from '../types.ts';
import { readEf } from './cat.ts';
import { refuseKeyFid } from './files.ts';
import { guardKeyFileChange } from '../../card/key-files.ts';

export const get: ExplorerCommand = {
  name: 'get',
  args: 'FID [file] [--force]',
  help: 'copy an EF to a local file (default name: FID.bin; mode 0600, never overwritten without --force)',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 1, 2, 'get FID [file] [--force]');
    const fid = parseFid(args.positional[0] ?? '');
    const file = args.positional[1] ?? `${fidHex(fid)}.bin`;
    const data = await readEf(session, fid);
    await writeLocalFile(session, file, data, args.flags.has('force'));
    session.print(`${fidHex(fid)}: ${data.length} byte(s) written to ${file}`);
  },
};

export const put: ExplorerCommand = {
  name: 'put',
  args: 'FID file [--allow-key-file]',
  help: 'replace an EF with the content of a local file (the EF is created when missing; key-related EFs only with --allow-key-file)',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { 'allow-key-file': 'boolean' });
    arity(args, 2, 2, 'put FID file [--allow-key-file]');
    const fid = parseFid(args.positional[0] ?? '');
    refuseKeyFid(fid, 'keys are not written as files');
    const allowKeyFile = args.flags.has('allow-key-file');
    guardKeyFileChange(fid, 'replace', allowKeyFile);
    const data = await readLocalFile(session, args.positional[1] ?? '', 'file', INPUT_LIMITS.efContent);
    await replaceFile(await session.card(), fid, data, { allowKeyFile });
    session.knownFids.add(fid);
    session.print(`${fidHex(fid)}: ${data.length} byte(s) written from ${args.positional[1] ?? ''}`);
  },
};

export const random: ExplorerCommand = {
  name: 'random',
  args: 'N [file] [--force]',
  help: 'get N random bytes from the card (GET CHALLENGE); shown as hexdump or written to a file (0600)',
  complete: (session, i, partial) => (i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 1, 2, 'random N [file] [--force]');
    const n = parseNumber(args.positional[0] ?? '', 'N', 1, 65536);
    const file = args.positional[1];
    const bytes = await getChallenge(await session.card(), n);
    if (file === undefined) session.print(hexdump(bytes));
    else {
      await writeLocalFile(session, file, bytes, args.flags.has('force'));
      session.print(`${n} random byte(s) written to ${file}`);
    }
  },
};
