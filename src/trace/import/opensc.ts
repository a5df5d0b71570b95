import { TraceImportError } from '../errors.ts';
import type { Trace } from '../types.ts';
import { TraceBuilder } from './builder.ts';
import { looseHex, openscDumpLineBytes, readHexGroups, spacedHex } from './hexdump.ts';

/**
 * Import an OpenSC debug log (`debug = 9` in opensc.conf, or OPENSC_DEBUG=9). OpenSC logs every APDU
 * at the PC/SC layer (`reader-pcsc.c` `pcsc_transmit` → `apdu.c` `sc_apdu_log`), so the log shows the
 * exchanges as they went over the wire — GET RESPONSE and re-sent 6Cxx commands included. Formats read:
 *
 * - 0.20 and later (tested with 0.23 logs): a prefixed line ending in `pcsc_transmit: `, then
 *   `Outgoing APDU (N bytes):` / `Incoming APDU (N bytes):` and `sc_hex_dump` lines (16 bytes as
 *   `HH `, then ASCII); the response dump includes SW1 SW2.
 * - before 0.20 (inferred from the old `sc_apdu_log`): `Outgoing APDU data [   N bytes] =====…`, the
 *   dump, and a closing line of `=`.
 * - `opensc-tool -s` / opensc-explorer `apdu` output: `Sending: HEX`, then
 *   `Received (SW1=0x90, SW2=0x00)[:]` and a dump of the data without SW1 SW2.
 *
 * Line prefixes `P:pid; T:tid [date] hh:mm:ss.mmm [app] file.c:line:function: ` give the timing (the
 * time between the lines that announce command and response), the process (several processes may
 * share one log file) and, from the messages, the reader name, the ATR and the protocol. A card reset
 * is read from `sc_reset:` lines and `pcsc_reconnect: Reconnecting to the card...` (message strings
 * of libopensc 0.23; the real logs at hand hold no reset, so this part is not tested on a real file).
 */
export function importOpenscLog(text: string, file?: string): Trace {
  const st = new OpenscImport(
    text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)),
    file,
  );
  st.run();
  return st.builder.build(file);
}

const PREFIX = /^(?:P:(\d+); T:\S+ |0x[0-9a-fA-F]+ )?(?:\d{4}-\d\d-\d\d[ T])?(\d\d):(\d\d):(\d\d)\.(\d{3}) \[([^\]]*)\] (.*)$/;
const APDU_HEADER = /^(Outgoing|Incoming) APDU(?: data)?\s*[([]\s*(\d+) bytes?[)\]]/;
const RECEIVED = /^Received \(SW1=0x([0-9a-fA-F]{2}), SW2=0x([0-9a-fA-F]{2})\):?\s*$/;

interface Pending {
  readonly bytes: number[];
  readonly line: number;
  readonly time: number | undefined;
}

class OpenscImport {
  readonly builder: TraceBuilder;
  readonly lines: readonly string[];
  readonly file: string | undefined;
  cmd: Pending | undefined;
  time: number | undefined;
  pid: string | undefined;
  app: string | undefined;
  sawToolOutput = false;

  constructor(lines: readonly string[], file: string | undefined) {
    this.lines = lines;
    this.file = file;
    this.builder = new TraceBuilder('OpenSC debug log', file);
    this.builder.meta('timing', 'from log line times, 1 ms resolution');
  }

  run(): void {
    for (let i = 0; i < this.lines.length; i++) i = this.line(i);
    if (this.cmd !== undefined) this.builder.comment(`no response logged for the command at source line ${this.cmd.line}`);
    if (this.sawToolOutput) {
      this.builder.metadata['imported-from'] = 'opensc-tool / opensc-explorer APDU output';
      delete this.builder.metadata.timing;
    }
  }

  /** Handle line `i`; returns the index of the last line consumed. */
  line(i: number): number {
    const raw = this.lines[i] ?? '';
    const m = PREFIX.exec(raw);
    const message = m === null ? raw : (m[7] ?? '');
    if (m !== null) this.prefix(m);
    const h = APDU_HEADER.exec(message);
    if (h !== null) return this.dump(i, h[1] === 'Outgoing', Number(h[2]));
    if (message.startsWith('Sending: ')) return this.sending(i, message);
    const r = RECEIVED.exec(message);
    if (r !== null) return this.received(i, parseInt(`${r[1]}${r[2]}`, 16));
    this.facts(message, i + 1);
    return i;
  }

  prefix(m: RegExpExecArray): void {
    this.time = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1000 + Number(m[5]);
    const pid = m[1];
    this.app = m[6];
    if (pid !== undefined && pid !== this.pid) {
      if (this.pid !== undefined)
        this.builder.comment(`OpenSC process ${pid} [${this.app ?? '?'}] starts (the log holds several processes)`);
      this.pid = pid;
    }
  }

  facts(message: string, lineNo: number): void {
    const b = this.builder;
    let m: RegExpExecArray | null;
    if ((m = /pcsc_transmit: reader '(.*)'$/.exec(message)) !== null) b.meta('reader', m[1]);
    else if ((m = /^Using reader with a card: (.+)$/.exec(message)) !== null) b.meta('reader', m[1]);
    else if ((m = /match_atr_table: ATR\s+: ([0-9a-fA-F:]+)\s*$/.exec(message)) !== null)
      b.meta('atr', spacedHex(looseHex(m[1] ?? '') ?? []));
    else if ((m = /(?:Final|Initial) protocol: (T=\d|RAW)/.exec(message)) !== null) b.meta('protocol', m[1]);
    else if ((m = /opensc version: (\S+)/.exec(message)) !== null) b.meta('opensc', m[1]);
    else if (/\bsc_reset: |\bpcsc_reconnect: Reconnecting to the card/.test(message)) b.reset(lineNo);
    if (this.app !== undefined) b.meta('application', this.app);
  }

  /** `Outgoing/Incoming APDU (N bytes):` at line i, then the dump. */
  dump(i: number, outgoing: boolean, count: number): number {
    const bytes: number[] = [];
    let j = i;
    while (bytes.length < count) {
      j++;
      const l = this.lines[j];
      const n = Math.min(16, count - bytes.length);
      if (l === undefined || !readHexGroups(l, 0, n, bytes)) {
        throw new TraceImportError(`the APDU dump announced at line ${i + 1} (${count} bytes) is cut short or malformed`, j + 1, this.file);
      }
    }
    if (outgoing) this.command(bytes, i + 1);
    else this.response(bytes, i + 1);
    return j;
  }

  command(bytes: number[], lineNo: number): void {
    if (this.cmd !== undefined)
      this.builder.comment(`no response logged for the command at source line ${this.cmd.line} (transmit failed?)`);
    this.cmd = { bytes, line: lineNo, time: this.time };
  }

  response(bytes: number[], lineNo: number): void {
    const cmd = this.cmd;
    if (cmd === undefined) {
      this.builder.comment(`response at source line ${lineNo} without a logged command, left out`);
      return;
    }
    let ms: number | undefined;
    if (cmd.time !== undefined && this.time !== undefined) ms = (this.time - cmd.time + 86_400_000) % 86_400_000;
    this.builder.exchange(cmd.bytes, bytes, cmd.line, lineNo, ms);
    this.cmd = undefined;
  }

  sending(i: number, message: string): number {
    const bytes = looseHex(message.slice('Sending: '.length));
    if (bytes === undefined || bytes.length < 4)
      throw new TraceImportError('"Sending:" is not followed by an APDU in hex', i + 1, this.file);
    this.sawToolOutput = true;
    this.time = undefined;
    this.command(bytes, i + 1);
    return i;
  }

  /** `Received (SW1=.., SW2=..)` and the data dump (without SW) on the lines that follow. */
  received(i: number, sw: number): number {
    const data: number[] = [];
    let j = i;
    for (;;) {
      const l = this.lines[j + 1];
      if (l === undefined) break;
      const body = l.replace(/^[0-9A-Fa-f]{4,8}: /, '');
      const n = openscDumpLineBytes(body, data.length === 0);
      if (n === undefined || !readHexGroups(body, 0, n, data)) break;
      j++;
    }
    this.response([...data, sw >> 8, sw & 0xff], i + 1);
    return j;
  }
}
