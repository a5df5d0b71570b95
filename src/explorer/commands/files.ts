/**
 * Changing EFs: `create FID [size]` (an empty EF: `00 D7 <FID> 06 54 02 00 00 53 00`, §3.3),
 * `delete|rm FID` (`00 E4 02 00 02 <FID>`, §3.4), `update_binary FID OFFSET DATA` (§3.3).
 * Keys (CCxx) are made by `keys generate` and removed by `keys delete`; `rm` of a key needs --allow-key-file.
 */
import { selectFile } from '../../card/commands/select-file.ts';
import { createFile, updateBinary } from '../../card/commands/update-binary.ts';
import { deleteFile } from '../../card/commands/delete-file.ts';
import { FileNotFoundError } from '../../card/errors.ts';
import type { SmartCardHsm } from '../../card/sc-hsm.ts';
import { arity, fidHex, parseArgs, parseData, parseFid, parseNumber } from '../args.ts';
import { completeFid } from '../complete.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { guardKeyFileChange } from '../../card/key-files.ts';
import { isKey } from '../objects.ts';
import type { ExplorerCommand } from '../types.ts';

/** Does an EF exist? (SELECT; 6A82 = no). */
export async function efExists(card: SmartCardHsm, fid: number): Promise<boolean> {
  try {
    await selectFile(card, fid);
    return true;
  } catch (err) {
    if (err instanceof FileNotFoundError) return false;
    throw err;
  }
}

export function refuseKeyFid(fid: number, what: string): void {
  if (isKey(fid)) throw new UsageError(`${fidHex(fid)} is a key, not an EF: ${what}`, 'keys are made with `keys generate` / `keys unwrap`');
}

export const create: ExplorerCommand = {
  name: 'create',
  args: 'FID [size] [--allow-key-file]',
  help: 'create an empty EF (the SmartCard-HSM grows EFs as they are written; size is accepted for opensc-explorer compatibility)',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { 'allow-key-file': 'boolean' });
    arity(args, 1, 2, 'create FID [size] [--allow-key-file]');
    const fid = parseFid(args.positional[0] ?? '');
    if (args.positional[1] !== undefined) parseNumber(args.positional[1], 'size', 0, 0xffff);
    refuseKeyFid(fid, 'cannot create it as a file');
    guardKeyFileChange(fid, 'create', args.flags.has('allow-key-file'));
    const card = await session.card();
    if (await efExists(card, fid))
      throw new UsageError(`${fidHex(fid)} exists`, `\`rm ${fidHex(fid)}\` first, or write it with put / update_binary`);
    await createFile(card, fid);
    session.knownFids.add(fid);
    session.print(`created ${fidHex(fid)} (empty)`);
  },
};

export const del: ExplorerCommand = {
  name: 'delete',
  aliases: ['rm'],
  args: 'FID [--allow-key-file]',
  help: 'delete an EF without asking; a key or a key-related EF (CCxx, C4xx, CExx, CBxx, CAxx, C8xx, 2F02) only with --allow-key-file',
  details: [
    'rm CF01            an ordinary EF: deleted at once',
    'rm C401 --allow-key-file   the PRKD of key 1 (refused without it: it breaks the key for OpenSC)',
    'keys delete 1      removes a key with its PRKD and certificate',
  ],
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { 'allow-key-file': 'boolean' });
    arity(args, 1, 1, 'delete FID [--allow-key-file]');
    const fid = parseFid(args.positional[0] ?? '');
    if (isKey(fid) && !args.flags.has('allow-key-file')) {
      throw new RefusedError(
        `${fidHex(fid)} is key ${fid & 0xff}: deleting it destroys the key for good`,
        `\`keys delete ${fid & 0xff}\` also removes its PRKD and certificate; \`rm ${fidHex(fid)} --allow-key-file\` deletes just the key`,
      );
    }
    guardKeyFileChange(fid, 'delete', args.flags.has('allow-key-file'));
    await deleteFile(await session.card(), fid);
    session.knownFids.delete(fid);
    if (session.currentEf === fid) session.currentEf = undefined;
    session.print(`deleted ${fidHex(fid)}`);
  },
};

export const updateBinaryCommand: ExplorerCommand = {
  name: 'update_binary',
  args: 'FID OFFSET DATA [--allow-key-file]',
  help: 'write bytes (hex or "text") into an EF at an offset; a missing EF is created (key-related EFs only with --allow-key-file)',
  details: ['update_binary CF01 0 "hello"', 'update_binary CF01 5 20:77:6F:72:6C:64'],
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { 'allow-key-file': 'boolean' });
    arity(args, 3, 3, 'update_binary FID OFFSET DATA [--allow-key-file]');
    const fid = parseFid(args.positional[0] ?? '');
    const offset = parseNumber(args.positional[1] ?? '', 'offset', 0, 0xffff);
    const dataToken = args.positionalTokens[2];
    const data = dataToken === undefined ? new Uint8Array(0) : parseData(dataToken);
    refuseKeyFid(fid, 'keys are not written with UPDATE BINARY');
    guardKeyFileChange(fid, 'write', args.flags.has('allow-key-file'));
    await updateBinary(await session.card(), fid, data, offset);
    session.knownFids.add(fid);
    session.print(`${data.length} byte(s) written to ${fidHex(fid)} at offset ${offset}`);
  },
};
