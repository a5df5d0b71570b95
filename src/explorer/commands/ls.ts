/**
 * `ls [pattern…]`: what ENUMERATE OBJECTS returns (§3.5), one line per object with what it is (§5),
 * its size and what it belongs to. EF sizes come from SELECT (as opensc-explorer does); a key's type
 * and size come from its PRKD (C4xx); a certificate file's first bytes tell X.509 from CV request.
 */
import { readBinary } from '../../card/commands/read-binary.ts';
import { selectFile } from '../../card/commands/select-file.ts';
import { FID_PREFIX, SC_HSM_AID } from '../../card/constants.ts';
import { readFileIfExists } from '../../card/files.ts';
import { parsePrkd, type PrivateKeyDescription } from '../../card/pkcs15.ts';
import type { SmartCardHsm } from '../../card/sc-hsm.ts';
import { toHex } from '../../apdu/hex.ts';
import { fidHex, parseArgs } from '../args.ts';
import { completeFid } from '../complete.ts';
import { certificateForm, isKey, objectKind, objectRole } from '../objects.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

interface Row {
  readonly fid: string;
  readonly kind: string;
  readonly size: string;
  readonly text: string;
}

type PrkdCache = Map<number, PrivateKeyDescription | undefined>;

async function prkdOf(card: SmartCardHsm, ref: number, cache: PrkdCache): Promise<PrivateKeyDescription | undefined> {
  if (!cache.has(ref)) {
    const bytes = await readFileIfExists(card, (FID_PREFIX.PRKD << 8) | ref);
    let d: PrivateKeyDescription | undefined;
    try {
      d = bytes === undefined || bytes.length === 0 ? undefined : parsePrkd(bytes);
    } catch {
      d = undefined;
    }
    cache.set(ref, d);
  }
  return cache.get(ref);
}

const label = (d: PrivateKeyDescription | undefined): string => (d?.label === undefined ? '' : ` ${JSON.stringify(d.label)}`);

async function keyRow(card: SmartCardHsm, fid: number, cache: PrkdCache): Promise<Row> {
  const ref = fid & 0xff;
  const d = ref === 0 ? undefined : await prkdOf(card, ref, cache);
  const size = d === undefined ? '-' : `${d.kind.toUpperCase()}${d.size === undefined ? '' : ` ${d.size}`}`;
  return { fid: fidHex(fid), kind: objectKind(fid), size, text: ref === 0 ? objectRole(fid) : `key ${ref}${label(d)}` };
}

async function efRow(card: SmartCardHsm, fid: number, cache: PrkdCache): Promise<Row> {
  const info = await selectFile(card, fid);
  const size = info.size === undefined ? '?' : String(info.size);
  const prefix = fid >> 8;
  const ref = fid & 0xff;
  if (prefix === FID_PREFIX.PRKD)
    return { fid: fidHex(fid), kind: 'PRKD', size, text: `${objectRole(fid)}${label(await prkdOf(card, ref, cache))}` };
  if (prefix === FID_PREFIX.EE_CERTIFICATE || prefix === FID_PREFIX.CA_CERTIFICATE) {
    const head = info.size === 0 ? new Uint8Array(0) : (await readBinary(card, fid, 0, 2)).data;
    const form = certificateForm(head);
    return {
      fid: fidHex(fid),
      kind: form === 'unknown content' ? objectKind(fid) : form,
      size,
      text: prefix === FID_PREFIX.CA_CERTIFICATE ? objectRole(fid) : `of key ${ref}`,
    };
  }
  return { fid: fidHex(fid), kind: objectKind(fid), size, text: objectRole(fid) };
}

/** `*` and `?` globs over the 4 hex digits, case-insensitive. */
export function fidMatcher(patterns: readonly string[]): (fid: number) => boolean {
  if (patterns.length === 0) return () => true;
  const res = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'i',
      ),
  );
  return (fid) => res.some((r) => r.test(fidHex(fid)));
}

function printRows(session: ExplorerSession, rows: readonly Row[]): void {
  const kindW = Math.max(4, ...rows.map((r) => r.kind.length));
  const sizeW = Math.max(4, ...rows.map((r) => r.size.length));
  const s = session.style;
  session.print(s.bold(`FID   ${'Type'.padEnd(kindW)}  ${'Size'.padStart(sizeW)}  Description`));
  for (const r of rows) session.print(`${s.cyan(r.fid)}  ${r.kind.padEnd(kindW)}  ${r.size.padStart(sizeW)}  ${r.text}`.trimEnd());
}

export const ls: ExplorerCommand = {
  name: 'ls',
  args: '[pattern…]',
  help: 'list the objects on the card (keys, descriptions, certificates, data) with sizes',
  details: ['patterns match FIDs with * and ?: `ls CC*` lists the keys, `ls C4?? CE??` descriptions and certificates'],
  complete: (session, _i, partial) => completeFid(session, partial),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    const signal = session.signal;
    const card = await session.card();
    if (session.df.kind === 'mf') {
      session.print(`${toHex(SC_HSM_AID)}  DF  SmartCard-HSM applet (cd aid:${toHex(SC_HSM_AID)})`);
      return;
    }
    const fids = (await session.refreshFids()).filter(fidMatcher(args.positional)).sort((a, b) => a - b);
    const cache: PrkdCache = new Map();
    const rows: Row[] = [];
    for (const fid of fids) {
      signal.throwIfAborted();
      rows.push(isKey(fid) ? await keyRow(card, fid, cache) : await efRow(card, fid, cache));
    }
    if (rows.length === 0) session.print(args.positional.length === 0 ? '(no objects)' : '(no object matches)');
    else printRows(session, rows);
  },
};
