/**
 * `cat [FID]` (hexdump, then the decoded view for PRKDs, certificates, CV requests, the device chain)
 * and `asn1 [FID]` (the BER-TLV tree with tag names, then the decoded view). Both read the whole EF
 * with READ BINARY `00 B1 <FID> 04 54 02 <offset> Le` (§3.2).
 */
import { hexdump } from '../../apdu/hex.ts';
import { formatTlv } from '../../apdu/tlv-print.ts';
import { readFile } from '../../card/commands/read-binary.ts';
import { arity, fidHex, parseArgs, parseFid } from '../args.ts';
import { completeFid } from '../complete.ts';
import { certificateKeyLines } from '../cert-view.ts';
import { decodedView } from '../decode-view.ts';
import { UsageError } from '../../transport/errors.ts';
import { isKey } from '../objects.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';
import type { Token } from '../tokenize.ts';

/** The FID argument, or the current EF. */
export function fidArgument(session: ExplorerSession, tokens: readonly Token[], usage: string): number {
  const args = parseArgs(tokens);
  arity(args, 0, 1, usage);
  const text = args.positional[0];
  if (text !== undefined) return parseFid(text);
  if (session.currentEf === undefined) throw new UsageError('no current EF', `give a FID: ${usage}`);
  return session.currentEf;
}

/** Read an EF; keys get a clear explanation instead of the card's 6982. */
export async function readEf(session: ExplorerSession, fid: number): Promise<Uint8Array> {
  if (isKey(fid))
    throw new UsageError(
      `${fidHex(fid)} is a key: keys never leave the card`,
      '`info` shows its FCI, `keys list` its description and public key',
    );
  const data = await readFile(await session.card(), fid);
  session.currentEf = fid;
  return data;
}

async function printDecoded(session: ExplorerSession, fid: number, data: Uint8Array): Promise<void> {
  const view = decodedView(fid, data);
  if (view === undefined) return;
  session.print();
  for (const l of view) session.print(l);
  for (const l of await certificateKeyLines(await session.card(), fid, data).catch(() => [])) session.print(l);
}

export const cat: ExplorerCommand = {
  name: 'cat',
  args: '[FID]',
  help: 'show an EF as hexdump, and decoded when it is a PRKD, certificate or CV request',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const fid = fidArgument(session, tokens, 'cat [FID]');
    const data = await readEf(session, fid);
    session.print(data.length === 0 ? `(${fidHex(fid)} is empty)` : hexdump(data));
    await printDecoded(session, fid, data);
  },
};

export const asn1: ExplorerCommand = {
  name: 'asn1',
  args: '[FID]',
  help: 'decode an EF as BER-TLV (ASN.1) with tag names',
  complete: (session, i, partial) => (i === 0 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const fid = fidArgument(session, tokens, 'asn1 [FID]');
    const data = await readEf(session, fid);
    if (data.length === 0) {
      session.print(`(${fidHex(fid)} is empty)`);
      return;
    }
    try {
      session.print(formatTlv(data));
    } catch (err) {
      throw new UsageError(
        `${fidHex(fid)} is not BER-TLV: ${err instanceof Error ? err.message : String(err)}`,
        `\`cat ${fidHex(fid)}\` shows the bytes`,
      );
    }
    await printDecoded(session, fid, data);
  },
};
