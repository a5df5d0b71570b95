import { SpyParser } from '../capture/spy-protocol.ts';
import type { Trace } from '../types.ts';
import { TraceBuilder } from './builder.ts';
import { spacedHex } from './hexdump.ts';

/**
 * Import what pcsc-lite's spy library writes before `pcsc-spy` formats it (`cat ~/pcsc-spy > file`
 * while an application runs with the spy installed): the protocol of trace/capture/spy-protocol.ts,
 * the same one `schsm trace capture` reads live. Each successful SCardTransmit becomes an exchange
 * whose line numbers are those of its return line; resets, failed transmits and lines that do not fit
 * become resets and comments (a comment never holds the bytes of a line: they may be a PIN's).
 */
export function importSpyRawLog(text: string, file?: string): Trace {
  const b = new TraceBuilder('raw pcsc-lite spy log (libpcscspy)', file);
  const parser = new SpyParser();
  const atrs = new Map<string, Uint8Array>();
  let reader: string | undefined;
  let start = 0;
  for (let lineNo = 1; start < text.length; lineNo++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line === '') continue;
    for (const e of parser.line(line)) {
      if (e.kind === 'atr') atrs.set(e.reader, e.atr);
      else if (e.kind === 'reset') b.reset(lineNo);
      else if (e.kind === 'garbled') b.comment(`line ${lineNo}: ${e.text} (left out)`);
      else if (e.kind === 'transmit-failed') b.comment(`SCardTransmit returning at line ${lineNo} failed: ${e.error}`);
      else if (e.kind === 'exchange') {
        if (e.reader !== undefined && reader !== undefined && e.reader !== reader) b.comment(`reader ${e.reader}`);
        reader ??= e.reader;
        b.exchange(e.command, e.response, lineNo, lineNo, e.durationMs);
      }
    }
  }
  for (const c of parser.pending()) b.comment(`${c} never returned`);
  b.meta('reader', reader);
  const atr = reader === undefined ? undefined : atrs.get(reader);
  if (atr !== undefined) b.meta('atr', spacedHex([...atr]));
  return b.build(file);
}
