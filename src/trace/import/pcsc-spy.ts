import { TraceImportError } from '../errors.ts';
import type { Trace } from '../types.ts';
import { TraceBuilder } from './builder.ts';
import { looseHex, spacedHex } from './hexdump.ts';
import { splitFragments, type Fragment } from './spy-fragments.ts';

/**
 * Import `pcsc-spy` output (pcsc-lite's PC/SC call logger). Tested on pcsc-lite 1.9.9 output: real
 * `pcsc-spy -n` logs of OpenSC sessions (single-threaded, and two printer threads interleaved), and
 * the real pcsc-spy 1.9.9 run on a crafted raw spy stream in each mode: colours (no `-n`), `-t`
 * (thread markers), `-d` (handles and times hidden). pcsc-lite 2.x prints the result line without the
 * error text (` => SCARD_S_SUCCESS [0x00000000]  [0.046759]`); that form is tested on the 1.9.9 logs
 * rewritten to it. The other tolerances (`pb…` parameter names, lower-case hex, `0000:` offsets) are
 * inferred, not tested against real files.
 *
 * Each successful `SCardTransmit` becomes an exchange: `bSendBuffer` is the command, `bRecvBuffer` the
 * response (data ‖ SW1 SW2), the seconds in the result line `[0.001438]` the timing. The byte counts
 * of `bSendLength`/`bRecvLength` are checked. `SCardReconnect` with dwInitialization 1 or 2
 * (SCARD_RESET_CARD, SCARD_UNPOWER_CARD), and `SCardDisconnect` with those dispositions, become resets
 * (kept only when an exchange follows). Reader, protocol and ATR come from `SCardConnect`,
 * `SCardStatus` and `SCardGetStatusChange`.
 *
 * Several client threads (or programs) are printed as separate threads whose relative order the log
 * does not keep; their exchanges are put one thread after the other, in the order the threads first
 * transmit, with a comment at each thread change.
 */
export function importPcscSpyLog(text: string, file?: string): Trace {
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const threads = new Map<number, SpyThread>();
  const order: SpyThread[] = [];
  const readers = new Map<string, { atr?: string }>();
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (/^Thread \d+\/\d+\s*$/.test(line) || /^Results sorted by total execution time/.test(line)) break;
    for (const f of splitFragments(line, i + 1)) {
      if (f.kind === 'other') continue;
      let t = threads.get(f.thread);
      if (t === undefined) threads.set(f.thread, (t = new SpyThread(f.thread, readers, file)));
      t.fragment(f);
      if (t.events.length > 0 && !order.includes(t)) order.push(t);
    }
  }
  return assemble(order, readers, file);
}

type SpyEvent =
  | {
      readonly type: 'exchange';
      readonly cmd: number[];
      readonly resp: number[];
      readonly line: number;
      readonly respLine: number;
      readonly ms: number | undefined;
      readonly reader: string | undefined;
    }
  | { readonly type: 'comment'; readonly text: string }
  | { readonly type: 'reset'; readonly line: number; atr?: Uint8Array };

interface Call {
  readonly name: string;
  readonly line: number;
  readonly params: Map<string, string>;
  send: number[];
  recv: number[];
  into: 'send' | 'recv' | undefined;
  /** Line of the first response dump line. */
  recvLine: number;
}

/** dwInitialization / dwDisposition: 1 = SCARD_RESET_CARD, 2 = SCARD_UNPOWER_CARD (printed as a number or a name). */
function resets(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (/SCARD_(RESET|UNPOWER)_CARD/.test(value)) return true;
  const n = /^0x([0-9A-Fa-f]+)/.exec(value);
  return n !== null && [1, 2].includes(parseInt(n[1] ?? '', 16));
}

class SpyThread {
  readonly id: number;
  readonly events: SpyEvent[] = [];
  readonly readers: Map<string, { atr?: string }>;
  readonly file: string | undefined;
  readonly cards = new Map<string, { reader: string; protocol: string | undefined }>();
  call: Call | undefined;
  statusReader: string | undefined;
  protocol: string | undefined;
  /** Reader of the last SCardConnect: used when handles are hidden (`-d`). */
  lastReader: string | undefined;
  lastProtocol: string | undefined;

  constructor(id: number, readers: Map<string, { atr?: string }>, file: string | undefined) {
    this.id = id;
    this.readers = readers;
    this.file = file;
  }

  fragment(f: Fragment): void {
    if (f.kind === 'name') {
      this.call = {
        name: f.body === 'SCarControl' ? 'SCardControl' : f.body,
        line: f.line,
        params: new Map(),
        send: [],
        recv: [],
        into: undefined,
        recvLine: f.line,
      };
      return;
    }
    const c = this.call;
    if (c === undefined) return;
    if (f.kind === 'rv') return this.finish(c, f.body);
    if (f.dump !== undefined) {
      if (c.into === 'recv' && c.recv.length === 0) c.recvLine = f.line;
      if (c.into !== undefined) c[c.into].push(...f.dump);
      return;
    }
    const body = f.body;
    if (/^p?bSendBuffer\b/.test(body)) c.into = 'send';
    else if (/^p?bRecvBuffer\b/.test(body)) c.into = 'recv';
    const m = /^([A-Za-z_.]+)(?::\s*|\s+)(.*)$/.exec(body);
    if (m === null) return;
    const key = `${f.kind === 'in' ? 'i' : 'o'}:${m[1] ?? ''}`;
    c.params.set(key, m[2] ?? '');
    if (c.name === 'SCardGetStatusChange') this.statusParam(f.kind, m[1] ?? '', m[2] ?? '');
  }

  /** SCardStatus: the reader's name and ATR. */
  status(c: Call): void {
    const reader = c.params.get('o:mszReaderName');
    const atr = looseHex(c.params.get('o:bAtr') ?? '');
    if (reader === undefined || atr === undefined || atr.length === 0) return;
    if (!this.readers.has(reader)) this.readers.set(reader, { atr: spacedHex(atr) });
    const last = this.events[this.events.length - 1];
    if (last?.type === 'reset') last.atr = Uint8Array.from(atr);
  }

  statusParam(dir: string, key: string, value: string): void {
    if (key === 'szReader') this.statusReader = value;
    else if (
      key === 'Atr' &&
      dir === 'out' &&
      this.statusReader !== undefined &&
      !this.readers.has(this.statusReader) &&
      /^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(value.trim())
    ) {
      this.readers.set(this.statusReader, { atr: spacedHex(looseHex(value) ?? []) });
    }
  }

  finish(c: Call, rv: string): void {
    this.call = undefined;
    const ok = /SCARD_S_SUCCESS|\[0x00000000\]/.test(rv);
    const secs = /\[(\d+\.\d+)\]\s*$/.exec(rv);
    if (c.name === 'SCardTransmit') return this.transmit(c, ok, rv, secs === null ? undefined : Math.round(Number(secs[1]) * 1e6) / 1000);
    if (!ok) return;
    if (c.name === 'SCardConnect') {
      const handle = firstWord(c.params.get('o:phCard'));
      const reader = c.params.get('i:szReader');
      const proto = /^(T=\d|RAW)/.exec(c.params.get('o:dwActiveProtocol') ?? '')?.[1];
      if (handle !== undefined && reader !== undefined) this.cards.set(handle, { reader, protocol: proto });
      if (reader !== undefined) this.lastReader = reader;
      this.lastProtocol = proto;
    } else if (c.name === 'SCardStatus') {
      this.status(c);
    } else if (c.name === 'SCardReconnect' && resets(c.params.get('i:dwInitialization'))) {
      this.events.push({ type: 'reset', line: c.line });
    } else if (c.name === 'SCardDisconnect' && resets(c.params.get('i:dwDisposition'))) {
      this.events.push({ type: 'reset', line: c.line });
    }
  }

  transmit(c: Call, ok: boolean, rv: string, ms: number | undefined): void {
    if (!ok) {
      this.events.push({ type: 'comment', text: `SCardTransmit at source line ${c.line} failed: ${rv}` });
      return;
    }
    checkLength(c, 'i:bSendLength', c.send.length, this.file);
    checkLength(c, 'o:bRecvLength', c.recv.length, this.file);
    if (c.send.length < 4 || c.recv.length < 2)
      throw new TraceImportError(`SCardTransmit at line ${c.line}: no command or response bytes found`, c.line, this.file);
    const card = this.cards.get(firstWord(c.params.get('i:hCard')) ?? '');
    this.events.push({
      type: 'exchange',
      cmd: c.send,
      resp: c.recv,
      line: c.line,
      respLine: c.recvLine,
      ms,
      reader: card?.reader ?? this.lastReader,
    });
    this.protocol ??= card === undefined ? this.lastProtocol : card.protocol;
  }
}

function firstWord(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.split(/\s+/)[0];
}

function checkLength(c: Call, key: string, got: number, file: string | undefined): void {
  const v = c.params.get(key) ?? c.params.get(key.replace(':b', ':pcb'));
  const m = v === undefined ? null : /\((\d+)\)/.exec(v);
  if (m !== null && Number(m[1]) !== got) {
    throw new TraceImportError(`SCardTransmit at line ${c.line}: ${key.slice(2)} says ${m[1]} bytes, the dump holds ${got}`, c.line, file);
  }
}

function assemble(order: readonly SpyThread[], readers: Map<string, { atr?: string }>, file: string | undefined): Trace {
  const b = new TraceBuilder('pcsc-spy output', file);
  let reader: string | undefined;
  for (const t of order) {
    b.settleReset();
    if (order.length > 1) b.comment(`pcsc-spy thread ${t.id + 1} of ${order.length} (the log does not keep the order between threads)`);
    for (const e of t.events) {
      if (e.type === 'comment') b.comment(e.text);
      else if (e.type === 'reset') b.reset(e.line, e.atr);
      else {
        if (e.reader !== undefined && reader !== undefined && e.reader !== reader) b.comment(`reader ${e.reader}`);
        reader ??= e.reader;
        b.exchange(e.cmd, e.resp, e.line, e.respLine, e.ms);
      }
    }
    b.meta('protocol', t.protocol);
  }
  b.meta('reader', reader);
  if (reader !== undefined) b.meta('atr', readers.get(reader)?.atr);
  return b.build(file);
}
