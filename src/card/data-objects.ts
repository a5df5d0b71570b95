/**
 * Data objects (issue 12 item 4) in the PKCS#15 layout OpenSC's SmartCard-HSM emulation reads
 * (§5, §5.1, §5.2; OpenSC pkcs15init/pkcs15-sc-hsm.c `sc_hsm_emu_store_binary`):
 *   content     CDxx (private: read needs the user PIN) or CFxx (public)
 *   description C9xx, the same xx: a PKCS#15 DataObject entry (pkcs15-dcod.ts)
 * xx is the lowest id free in the C9 range, counted from 00 as OpenSC's `sc_hsm_determine_free_id`
 * does (and free in CD/CF too). Writing puts the content first, then the description, as OpenSC does;
 * deleting removes both. Objects written by `pkcs11-tool --write-object --type data` are the same.
 */
import { hex4 } from '../apdu/hex.ts';
import { enumerateObjects } from './commands/enumerate-objects.ts';
import { readFile } from './commands/read-binary.ts';
import { selectFile } from './commands/select-file.ts';
import { FID_PREFIX } from './constants.ts';
import { deleteIfExists, readFileIfExists, replaceFile } from './files.ts';
import { InvalidArgumentError } from './host-errors.ts';
import { encodeDcod } from './pkcs15-dcod.ts';
import { parseDcod } from './pkcs15.ts';
import type { CardSession } from './session.ts';

export interface DataObjectInfo {
  /** The id xx of C9xx (and of CDxx / CFxx). */
  readonly id: number;
  /** FID of the content (CDxx or CFxx; from the description's path when it has one). */
  readonly fid: number;
  /** C9xx, or undefined for a content file without a description. */
  readonly dcodFid: number | undefined;
  readonly label: string | undefined;
  readonly applicationName: string | undefined;
  readonly applicationOid: string | undefined;
  readonly private: boolean;
  /** Content size from SELECT, when the card tells it. */
  readonly size: number | undefined;
}

export interface DataObjectInput {
  readonly data: Uint8Array;
  readonly label: string;
  /** PKCS#15 applicationName; default the label (as pkcs11-tool does). */
  readonly applicationName?: string | undefined;
  /** Dotted OID of the application (`pkcs11-tool --application-id`). */
  readonly applicationOid?: string | undefined;
  /** Private: CDxx, read only after the user PIN (default); public: CFxx. */
  readonly private: boolean;
}

const fid = (prefix: number, id: number): number => (prefix << 8) | id;
const isData = (f: number): boolean => f >> 8 === FID_PREFIX.PRIVATE_DATA || f >> 8 === FID_PREFIX.PUBLIC_DATA;

async function sizeOf(card: CardSession, f: number): Promise<number | undefined> {
  try {
    return (await selectFile(card, f)).size;
  } catch {
    return undefined;
  }
}

async function describe(card: CardSession, id: number): Promise<DataObjectInfo | undefined> {
  const bytes = await readFileIfExists(card, fid(FID_PREFIX.DCOD, id));
  if (bytes === undefined || bytes.length === 0) return undefined;
  const d = parseDcod(bytes);
  const path = d.path;
  const target = path !== undefined && path.length >= 2 ? ((path[path.length - 2] ?? 0) << 8) | (path[path.length - 1] ?? 0) : undefined;
  const f = target ?? fid(d.flags.includes('private') ? FID_PREFIX.PRIVATE_DATA : FID_PREFIX.PUBLIC_DATA, id);
  return {
    id,
    fid: f,
    dcodFid: fid(FID_PREFIX.DCOD, id),
    label: d.label,
    applicationName: d.applicationName,
    applicationOid: d.applicationOid?.replace(/ \(.*\)$/, ''),
    private: f >> 8 === FID_PREFIX.PRIVATE_DATA,
    size: await sizeOf(card, f),
  };
}

/** Every data object: each C9xx with its content file, then content files nobody describes. */
export async function listDataObjects(card: CardSession): Promise<DataObjectInfo[]> {
  const objects = await enumerateObjects(card);
  const out: DataObjectInfo[] = [];
  for (const f of objects.filter((x) => x >> 8 === FID_PREFIX.DCOD).sort((a, b) => a - b)) {
    const d = await describe(card, f & 0xff);
    if (d !== undefined) out.push(d);
  }
  const described = new Set(out.map((d) => d.fid));
  for (const f of objects.filter((x) => isData(x) && !described.has(x)).sort((a, b) => a - b))
    out.push({
      id: f & 0xff,
      fid: f,
      dcodFid: undefined,
      label: undefined,
      applicationName: undefined,
      applicationOid: undefined,
      private: f >> 8 === FID_PREFIX.PRIVATE_DATA,
      size: await sizeOf(card, f),
    });
  return out;
}

/** Find one object by label (exactly one must match) or by the FID of its content (CDxx / CFxx / C9xx). */
export function findDataObject(
  objects: readonly DataObjectInfo[],
  by: { label?: string | undefined; fid?: number | undefined },
): DataObjectInfo {
  const hits = objects.filter((o) => (by.label !== undefined ? o.label === by.label : o.fid === by.fid || o.dcodFid === by.fid));
  const what = by.label !== undefined ? `label ${JSON.stringify(by.label)}` : `FID ${hex4(by.fid ?? 0)}`;
  if (hits.length === 0) throw new InvalidArgumentError(`no data object with ${what}`, 'schsm data list shows them');
  if (hits.length > 1) throw new InvalidArgumentError(`${hits.length} data objects have ${what}`, 'name one by its FID (--fid)');
  return hits[0] as DataObjectInfo;
}

/** The lowest xx with C9xx, CDxx and CFxx all free (from 00, as OpenSC counts). */
export function freeDataObjectId(objects: readonly number[]): number {
  for (let id = 0; id <= 255; id++)
    if (![FID_PREFIX.DCOD, FID_PREFIX.PRIVATE_DATA, FID_PREFIX.PUBLIC_DATA].some((p) => objects.includes(fid(p, id)))) return id;
  throw new InvalidArgumentError('all 256 data object ids are in use', 'delete data objects first');
}

/** Write a new data object (content, then description); returns where it went. Needs the user PIN. */
export async function putDataObject(card: CardSession, input: DataObjectInput, replace?: DataObjectInfo): Promise<DataObjectInfo> {
  const id = replace?.id ?? freeDataObjectId(await enumerateObjects(card));
  const content = fid(input.private ? FID_PREFIX.PRIVATE_DATA : FID_PREFIX.PUBLIC_DATA, id);
  const applicationName = input.applicationName ?? input.label;
  const dcod = encodeDcod({
    label: input.label,
    applicationName,
    applicationOid: input.applicationOid,
    private: input.private,
    path: content,
  });
  if (replace !== undefined && replace.fid !== content) await deleteIfExists(card, replace.fid);
  await replaceFile(card, content, input.data);
  await replaceFile(card, fid(FID_PREFIX.DCOD, id), dcod);
  return {
    id,
    fid: content,
    dcodFid: fid(FID_PREFIX.DCOD, id),
    label: input.label,
    applicationName,
    applicationOid: input.applicationOid,
    private: input.private,
    size: input.data.length,
  };
}

/** The content of a data object (private ones need the user PIN). */
export function readDataObject(card: CardSession, o: DataObjectInfo): Promise<Uint8Array> {
  return readFile(card, o.fid);
}

/** Delete the content file and the description. Needs the user PIN. */
export async function deleteDataObject(card: CardSession, o: DataObjectInfo): Promise<number[]> {
  const gone: number[] = [];
  if (await deleteIfExists(card, o.fid)) gone.push(o.fid);
  if (o.dcodFid !== undefined && (await deleteIfExists(card, o.dcodFid))) gone.push(o.dcodFid);
  return gone;
}
