/**
 * `find [start [end]]`: SELECT every FID in the range (default 0000..FFFF) and list those that exist,
 * as opensc-explorer does. Slow by nature (one APDU per FID); Ctrl-C stops it. A range over 4096 FIDs
 * reports its progress on stderr after every 4096 (issue 11 item 12): 16 lines for the whole range.
 */
import { selectFile } from '../../card/commands/select-file.ts';
import { CardError, FileNotFoundError, KeyNotFoundError } from '../../card/errors.ts';
import { formatSw } from '../../apdu/status-words.ts';
import { arity, fidHex, parseArgs, parseFid } from '../args.ts';
import { completeFid } from '../complete.ts';
import { UsageError } from '../../transport/errors.ts';
import { objectKind } from '../objects.ts';
import type { ExplorerCommand } from '../types.ts';

/** FIDs between two progress lines. */
const PROGRESS_STEP = 0x1000;

export const find: ExplorerCommand = {
  name: 'find',
  args: '[start [end]]',
  help: 'find files by selecting every FID from start to end (default 0000 FFFF)',
  timeoutMs: 0,
  complete: (session, i, partial) => (i < 2 ? completeFid(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 2, 'find [start [end]]');
    const start = parseFid(args.positional[0] ?? '0000');
    const end = parseFid(args.positional[1] ?? 'FFFF');
    if (end < start) throw new UsageError(`end ${fidHex(end)} is before start ${fidHex(start)}`);
    const card = await session.card();
    const signal = session.signal; // this command's: the next command gets a new one
    let found = 0;
    for (let fid = start; fid <= end; fid++) {
      // Let the terminal be read now and then (an in-process card never waits for I/O): Ctrl-C works.
      if ((fid & 0xff) === 0) await new Promise((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
      const done = fid - start; // FIDs searched before this one
      if (end - start + 1 > PROGRESS_STEP && done > 0 && done % PROGRESS_STEP === 0) {
        const pct = Math.floor((100 * done) / (end - start + 1));
        session.io.err(`find: ${fidHex(start)}..${fidHex(fid - 1)} searched (${pct}%), ${found} found\n`);
      }
      try {
        const fi = await selectFile(card, fid);
        session.print(`${session.style.cyan(fidHex(fid))}  ${objectKind(fid).padEnd(20)}  ${fi.size === undefined ? '?' : fi.size}`);
        session.knownFids.add(fid);
        found++;
      } catch (err) {
        if (err instanceof FileNotFoundError || err instanceof KeyNotFoundError) continue;
        if (!(err instanceof CardError)) throw err;
        session.print(`${fidHex(fid)}  SELECT answered ${formatSw(err.sw)}: ${err.message}`);
      }
    }
    session.print(`${found} file(s) found in ${fidHex(start)}..${fidHex(end)}`);
  },
};
