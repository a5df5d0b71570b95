/**
 * `info [FID]`: the FCI of an EF (SELECT `00 A4 00 00 02 <FID> 00`, §2.3/§2.4) in words; without a
 * FID, the current DF: the applet's FCP with its tag 85 (version, options, type), or the virtual MF.
 */
import { hex2, hex4, toHex } from '../../apdu/hex.ts';
import { formatTlv } from '../../apdu/tlv-print.ts';
import { selectFile } from '../../card/commands/select-file.ts';
import { decodeOptions } from '../../card/card-status.ts';
import { FID_PREFIX, SC_HSM_AID } from '../../card/constants.ts';
import { readFileIfExists } from '../../card/files.ts';
import { certificateKeyLines } from '../cert-view.ts';
import { decodedView } from '../decode-view.ts';
import { arity, fidHex, parseArgs, parseFid } from '../args.ts';
import { completeFid } from '../complete.ts';
import { objectKind, objectRole } from '../objects.ts';
import { dfText } from '../paths.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

const DESCRIPTORS: Readonly<Record<number, string>> = { 0x01: 'working EF, transparent', 0x08: 'internal EF', 0x38: 'DF' };

function field(session: ExplorerSession, name: string, value: string): void {
  session.print(`${`${name}:`.padEnd(16)}${value}`);
}

function tree(session: ExplorerSession, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  let text: string;
  try {
    text = formatTlv(bytes);
  } catch {
    text = toHex(bytes, ' ');
  }
  session.print(`${bytes[0] === 0x6f ? 'FCI' : 'FCP'}:`);
  for (const l of text.split('\n')) session.print(`  ${l}`);
}

async function dfInfo(session: ExplorerSession): Promise<void> {
  const card = await session.card();
  if (session.df.kind === 'mf') {
    field(session, 'DF', '3F00 (MF; virtual: the SmartCard-HSM has no MF, like in OpenSC no APDU is sent)');
    return;
  }
  if (session.df.kind === 'aid') {
    field(session, 'DF name (AID)', toHex(session.df.aid));
    return;
  }
  const a = card.applet;
  field(session, 'DF name (AID)', `${toHex(SC_HSM_AID)} (${dfText(session.df)})`);
  field(
    session,
    'application',
    `${a.typeName} ${a.version.major}.${a.version.minor}${a.type === undefined ? '' : ` (type byte ${hex2(a.type)})`}`,
  );
  const o = a.options === undefined ? undefined : decodeOptions(a.options);
  field(
    session,
    'options',
    o === undefined ? 'none reported (applet before 2.0)' : `${hex4(o.value)}${o.flags.length === 0 ? '' : ` (${o.flags.join(', ')})`}`,
  );
  field(session, 'reader', card.transport.name);
  if (card.transport.atr.length > 0) field(session, 'ATR', toHex(card.transport.atr, ' '));
  tree(session, a.fcp);
}

export const info: ExplorerCommand = {
  name: 'info',
  args: '[FID]',
  help: 'show what SELECT says about a file (size, type), or about the current DF',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 1, 'info [FID]');
    const text = args.positional[0];
    if (text === undefined) return dfInfo(session);
    const fid = parseFid(text);
    const fi = await selectFile(await session.card(), fid);
    session.currentEf = fid;
    const role = objectRole(fid);
    field(session, 'file ID', fidHex(fid));
    field(session, 'object', `${objectKind(fid)}${role === '' ? '' : ` (${role})`}`);
    if (fi.descriptor !== undefined) field(session, 'type', `${DESCRIPTORS[fi.descriptor] ?? 'file'} (descriptor ${hex2(fi.descriptor)})`);
    field(session, 'size', fi.size === undefined ? 'not reported' : `${fi.size} bytes`);
    tree(session, fi.fci);
    await certificateInfo(session, fid);
  },
};

/** CExx / CAxx: what the certificate says (X.509: subject, issuer, validity, key match; or the CV request). */
async function certificateInfo(session: ExplorerSession, fid: number): Promise<void> {
  if (fid >> 8 !== FID_PREFIX.EE_CERTIFICATE && fid >> 8 !== FID_PREFIX.CA_CERTIFICATE) return;
  const card = await session.card();
  const bytes = await readFileIfExists(card, fid);
  const view = bytes === undefined ? undefined : decodedView(fid, bytes);
  if (bytes === undefined || view === undefined) return;
  for (const l of [...view, ...(await certificateKeyLines(card, fid, bytes).catch(() => []))]) session.print(l);
}
