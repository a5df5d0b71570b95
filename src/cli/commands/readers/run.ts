import { toHex } from '../../../apdu/hex.ts';
import type { PcscReaderInfo } from '../../../transport/pcsc.ts';
import { PcscError } from '../../../transport/pcsc-errors.ts';
import type { GlobalArgs } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { createStyle } from '../../style.ts';
import { identifyAtr, type AtrIdentity } from './identify-atr.ts';

export type ReadersArgs = Partial<GlobalArgs> & { readonly smartcardList?: string | undefined };

export interface ReaderReport extends Omit<PcscReaderInfo, 'atr'> {
  readonly atr: string;
  readonly identity: AtrIdentity | undefined;
}

/** Readers with identified ATRs; with `--reader`, only the one it names. */
export async function readerReports(args: ReadersArgs): Promise<ReaderReport[]> {
  const { listReaders, selectReader } = await import('../../../transport/pcsc.ts');
  let readers = await listReaders();
  if (args.reader !== undefined) {
    const name = selectReader(
      readers.map((r) => r.name),
      args.reader,
    );
    readers = readers.filter((r) => r.name === name);
  }
  return Promise.all(readers.map(async (r) => ({ ...r, atr: toHex(r.atr), identity: await identifyAtr(r.atr, args.smartcardList) })));
}

/** `schsm readers`: every PC/SC reader, whether a card is in it, its ATR and what that ATR is. */
export async function runReaders(args: ReadersArgs, ctx: CliContext): Promise<number> {
  const reports = await readerReports(args);
  if (args.json === true) {
    printJson(ctx, reports);
    return reports.length === 0 ? EXIT.NO_CARD : EXIT.OK;
  }
  if (reports.length === 0) {
    throw new PcscError('pcscd sees no readers', 0x8010002e, {
      hint: 'plug in the reader or token; for the simulator use --sim, or serve it to pcscd with `schsm sim`',
    });
  }
  const s = createStyle(ctx.color);
  for (const r of reports) {
    line(ctx.stdout, `${s.bold(`${r.index}: ${r.name}`)}`);
    if (!r.cardPresent) {
      line(ctx.stdout, `   no card${r.state.length > 0 ? ` (${r.state.join(', ')})` : ''}`);
      continue;
    }
    line(ctx.stdout, `   card present (${r.state.join(', ')})`);
    line(ctx.stdout, `   ATR ${r.atr.replace(/(..)(?!$)/g, '$1 ')}`);
    const id = r.identity;
    if (id === undefined) line(ctx.stdout, `   ${s.dim('unknown ATR (not a SmartCard-HSM ATR; install pcsc-tools for its ATR list)')}`);
    else
      for (const d of id.description)
        line(
          ctx.stdout,
          `   ${id.scHsm === 'yes' ? s.green(d) : d}${id.source === 'smartcard_list.txt' ? s.dim('  [smartcard_list.txt]') : ''}`,
        );
  }
  return EXIT.OK;
}
