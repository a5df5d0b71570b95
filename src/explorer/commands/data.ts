/**
 * `data list|put|get|delete`: PKCS#15 data objects on the session's card, through card/data-objects.ts
 * (the CLI's functions): content in CDxx (private) or CFxx (public), description in C9xx, as OpenSC
 * writes and reads them. Writing, deleting and reading a private object need `verify user` first.
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { hex4, hexdump } from '../../apdu/hex.ts';
import { encodeOid } from '../../apdu/oid.ts';
import {
  type DataObjectInfo,
  deleteDataObject,
  findDataObject,
  listDataObjects,
  putDataObject,
  readDataObject,
} from '../../card/data-objects.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { arity, parseArgs, parseFid } from '../args.ts';
import { family } from '../family.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';

const name = (o: DataObjectInfo): string =>
  `${o.label === undefined ? '(no description)' : JSON.stringify(o.label)} ${hex4(o.fid)}${o.dcodFid === undefined ? '' : `/${hex4(o.dcodFid)}`}`;

/** LABEL, or a FID (CDxx, CFxx, C9xx) when the word is 4 hex digits of those ranges. */
async function pick(session: ExplorerSession, word: string): Promise<DataObjectInfo> {
  const objects = await listDataObjects(await session.card());
  return /^(C9|CD|CF)[0-9A-F]{2}$/i.test(word)
    ? findDataObject(objects, { fid: parseFid(word) })
    : findDataObject(objects, { label: word });
}

const list: Subcommand = {
  name: 'list',
  args: '',
  help: 'data objects: label, application, OID, access, size, files',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'data list');
    const objects = await listDataObjects(await session.card());
    if (objects.length === 0) session.print('(no data objects)');
    for (const o of objects)
      session.print(
        `${name(o)}  ${o.private ? 'private' : 'public'}  ${o.size ?? '?'} bytes  app ${o.applicationName ?? '-'}  oid ${o.applicationOid ?? '-'}`,
      );
  },
};

const put: Subcommand = {
  name: 'put',
  args: 'FILE LABEL [--application A] [--oid OID] [--public] [--replace]',
  help: 'store a local file as a data object (private unless --public; --replace replaces one with the same label)',
  complete: (session, i, partial) => (i === 0 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { application: 'string', oid: 'string', public: 'boolean', replace: 'boolean' });
    arity(args, 2, 2, 'data put FILE LABEL [--application A] [--oid OID] [--public] [--replace]');
    const [file = '', label = ''] = args.positional;
    const oid = args.values.get('oid');
    if (oid !== undefined) encodeOid(oid);
    const data = await readLocalFile(session, file, 'data file', INPUT_LIMITS.dataObject);
    if (data.length > 32767) throw new UsageError(`${file} has ${data.length} bytes; a data object holds at most 32767`);
    const card = await session.card();
    const same = (await listDataObjects(card)).filter((o) => o.label === label);
    if (same.length > 1 || (same.length === 1 && !args.flags.has('replace')))
      throw new RefusedError(`a data object labelled ${JSON.stringify(label)} exists`, 'another label, or --replace to replace it');
    const input = { data, label, applicationName: args.values.get('application'), applicationOid: oid, private: !args.flags.has('public') };
    const o = await card.exclusive(() => putDataObject(card, input, same[0]));
    await session.refreshFids().catch(() => undefined);
    session.print(`stored ${data.length} bytes as ${o.private ? 'private' : 'public'} data object ${name(o)}`);
  },
};

const get: Subcommand = {
  name: 'get',
  args: 'LABEL|FID [FILE] [--force]',
  help: 'show a data object as a hexdump, or write it to a local file (0600)',
  complete: (session, i, partial) => (i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 1, 2, 'data get LABEL|FID [FILE] [--force]');
    const o = await pick(session, args.positional[0] ?? '');
    const data = await readDataObject(await session.card(), o);
    const file = args.positional[1];
    if (file === undefined) session.print(hexdump(data));
    else {
      await writeLocalFile(session, file, data, args.flags.has('force'));
      session.print(`${name(o)}: ${data.length} byte(s) written to ${file}`);
    }
  },
};

const del: Subcommand = {
  name: 'delete',
  args: 'LABEL|FID [--yes]',
  help: 'delete a data object and its description (asks first; --yes does not)',
  async run(session, tokens) {
    const args = parseArgs(tokens, { yes: 'boolean' });
    arity(args, 1, 1, 'data delete LABEL|FID [--yes]');
    const o = await pick(session, args.positional[0] ?? '');
    if (!args.flags.has('yes') && !(await session.confirm(`delete data object ${name(o)}?`)))
      throw new RefusedError(`${name(o)} not deleted`, 'confirm at the prompt, or add --yes');
    const gone = await deleteDataObject(await session.card(), o);
    for (const f of gone) session.knownFids.delete(f);
    session.print(`deleted ${gone.map(hex4).join(', ')}`);
  },
};

export const data = family('data', 'data objects (PKCS#15, as pkcs11-tool sees them): list, put, get, delete', [list, put, get, del]);
