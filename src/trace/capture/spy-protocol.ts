/**
 * The raw protocol of pcsc-lite's spy library (`libpcscspy.so.0`): what it writes into
 * the FIFO `$HOME/pcsc-spy` before `pcsc-spy` (the Python printer) formats it. One line per item, each
 * prefixed with the calling thread (`%lX@`, pthread_self in hex):
 *
 *   7F6F0D02B840@>|1796257618|915958|SCardTransmit          call entered (seconds|microseconds|name)
 *   7F6F0D02B840@0x2BC22651                                 a parameter: numbers as 0x%08lX, strings as is
 *   7F6F0D02B840@0x00000005                                 a buffer: its length, then
 *   7F6F0D02B840@00 A4 04 00 00                             its bytes as "%02X " each (or NULL)
 *   7F6F0D02B840@<|1796257618|919906|SCardTransmit|Command successful.|0x00000000   call returned
 *
 * Parameter lines come in the order of the spy's wrapper: SCardTransmit logs hCard, the command buffer
 * (length, bytes) before the call and the response buffer after it (5 lines in older spies; the
 * pcsc-lite 1.9.9 spy, seen here, also logs the SCARD_IO_REQUEST, dwProtocol and cbPciLength, before
 * each buffer: 9 lines; both are read); SCardConnect hContext, szReader,
 * share mode, protocols, phCard and pdwActiveProtocol before and after; SCardReconnect hCard, share
 * mode, protocols, dwInitialization, then the protocol; SCardDisconnect and SCardEndTransaction hCard,
 * dwDisposition; SCardStatus hCard, the two length inputs, then the reader names (a length line and
 * one line per name), state, protocol and the ATR buffer last; SCardGetStatusChange hContext, timeout,
 * cReaders, then per reader (name, current state, event state, ATR buffer) before and after the call.
 *
 * SpyParser is fed one line at a time and returns what each completed call means for a trace. It keeps
 * only calls in progress (one per thread), each bounded (MAX_CALL_CHARS, MAX_CALL_LINES, MAX_THREADS),
 * so its memory does not grow with the length of the session.
 */

/** Bytes of parameter text kept for one call (a 64 KiB extended APDU and its response fit). */
export const MAX_CALL_CHARS = 1 << 20;
/** Parameter lines kept for one call (SCardGetStatusChange logs 3 + 10 per reader). */
export const MAX_CALL_LINES = 4096;
/** Threads with a call in progress at once. */
export const MAX_THREADS = 256;

/** dwInitialization / dwDisposition values (pcsc-lite pcsclite.h). */
const SCARD_RESET_CARD = 1;
const SCARD_UNPOWER_CARD = 2;
/** dwActiveProtocol bits (pcsc-lite pcsclite.h). */
const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'T=0', 2: 'T=1', 4: 'RAW', 8: 'T=15' };

export type SpyEvent =
  | {
      readonly kind: 'exchange';
      readonly thread: string;
      readonly command: Uint8Array;
      readonly response: Uint8Array;
      /** From the spy's enter and return times (includes the spy's own logging). */
      readonly durationMs: number;
      readonly reader: string | undefined;
    }
  | { readonly kind: 'transmit-failed'; readonly thread: string; readonly command: Uint8Array; readonly error: string }
  | { readonly kind: 'connect'; readonly thread: string; readonly reader: string; readonly protocol: string | undefined }
  | { readonly kind: 'reset'; readonly thread: string; readonly reader: string | undefined; readonly call: string }
  | { readonly kind: 'atr'; readonly reader: string; readonly atr: Uint8Array }
  /**
   * A line or call that does not fit the protocol (a spy of another version, or interleaved writes).
   * The text says where, never what the line held: a stray line may be a PIN's bytes.
   */
  | { readonly kind: 'garbled'; readonly text: string };

interface Call {
  readonly name: string;
  readonly micros: number;
  readonly params: string[];
  chars: number;
  overflow: boolean;
}

/** `0x0000001A` → 26; undefined when the line is not such a number. */
export function spyNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^0x[0-9A-Fa-f]{1,16}$/.test(text)) return undefined;
  return Number.parseInt(text.slice(2), 16);
}

/** `00 A4 04 ` → bytes; undefined when the line is not a spy hex buffer. An empty line is no bytes. */
export function spyBytes(text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return new Uint8Array(0);
  if (!/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/.test(t)) return undefined;
  const out = new Uint8Array((t.length + 1) / 3);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(t.slice(3 * i, 3 * i + 2), 16);
  return out;
}

/** A buffer logged as its length line then its bytes line, checked against each other. */
function buffer(lengthLine: string | undefined, bytesLine: string | undefined): Uint8Array | undefined {
  const n = spyNumber(lengthLine);
  const bytes = spyBytes(bytesLine);
  return n !== undefined && bytes !== undefined && bytes.length === n ? bytes : undefined;
}

export class SpyParser {
  private readonly calls = new Map<string, Call>();
  /** hCard → reader name (from SCardConnect). */
  private readonly cards = new Map<string, string>();

  /** Feed one line (without its line break); returns the events the line completes. */
  line(text: string): SpyEvent[] {
    const at = text.indexOf('@');
    if (at <= 0 || at > 20 || !/^[0-9A-Fa-f]+$/.test(text.slice(0, at))) return [{ kind: 'garbled', text: 'a line without a thread id' }];
    const thread = text.slice(0, at);
    const body = text.slice(at + 1);
    if (body.startsWith('>|')) return this.enter(thread, body);
    if (body.startsWith('<|')) return this.quit(thread, body);
    const call = this.calls.get(thread);
    if (call === undefined) return [{ kind: 'garbled', text: `a parameter line of thread ${thread} outside any call` }];
    if (call.overflow) return [];
    call.chars += body.length;
    if (call.chars > MAX_CALL_CHARS || call.params.length >= MAX_CALL_LINES) {
      call.overflow = true;
      call.params.length = 0;
      return [];
    }
    call.params.push(body);
    return [];
  }

  private enter(thread: string, body: string): SpyEvent[] {
    const m = /^>\|(\d+)\|(\d+)\|(\w+)$/.exec(body);
    if (m === null) return [{ kind: 'garbled', text: `an unreadable call entry of thread ${thread}` }];
    const out: SpyEvent[] = [];
    if (this.calls.has(thread)) out.push({ kind: 'garbled', text: `${this.calls.get(thread)?.name} of thread ${thread} never returned` });
    else if (this.calls.size >= MAX_THREADS) return [{ kind: 'garbled', text: `more than ${MAX_THREADS} threads in PC/SC calls at once` }];
    this.calls.set(thread, { name: m[3] ?? '', micros: Number(m[1]) * 1e6 + Number(m[2]), params: [], chars: 0, overflow: false });
    return out;
  }

  private quit(thread: string, body: string): SpyEvent[] {
    const call = this.calls.get(thread);
    this.calls.delete(thread);
    const m = /^<\|(\d+)\|(\d+)\|(\w+)\|(.*)\|(0x[0-9A-Fa-f]+)$/.exec(body);
    if (m === null || call === undefined || call.name !== m[3])
      return [{ kind: 'garbled', text: `an unmatched call return of thread ${thread}${m === null ? '' : ` (${m[3]})`}` }];
    if (call.overflow) return [{ kind: 'garbled', text: `${call.name} logged more than ${MAX_CALL_CHARS} characters; left out` }];
    const rv = spyNumber(m[5]) ?? -1;
    const ms = Math.max(0, Number(m[1]) * 1e6 + Number(m[2]) - call.micros) / 1000;
    return this.complete(thread, call, rv, `${m[4] ?? ''} [${m[5]}]`, ms);
  }

  private complete(thread: string, call: Call, rv: number, error: string, ms: number): SpyEvent[] {
    const p = call.params;
    switch (call.name) {
      case 'SCardTransmit':
        return this.transmit(thread, p, rv, error, ms);
      case 'SCardConnect': {
        const reader = p[1];
        const handle = p[6];
        if (rv !== 0 || reader === undefined || handle === undefined) return [];
        this.cards.set(handle, reader);
        return [{ kind: 'connect', thread, reader, protocol: PROTOCOLS[spyNumber(p[7]) ?? 0] }];
      }
      case 'SCardReconnect':
        return this.reset(thread, call.name, rv, p[0], p[3]);
      case 'SCardDisconnect':
      case 'SCardEndTransaction':
        return this.reset(thread, call.name, rv, p[0], p[1]);
      case 'SCardStatus': {
        const atr = buffer(p[p.length - 2], p[p.length - 1]);
        const reader = p[4];
        return rv === 0 && atr !== undefined && atr.length > 0 && reader !== undefined ? [{ kind: 'atr', reader, atr }] : [];
      }
      case 'SCardGetStatusChange':
        return rv === 0 ? statusChange(p) : [];
      default:
        return [];
    }
  }

  private transmit(thread: string, p: readonly string[], rv: number, error: string, ms: number): SpyEvent[] {
    // 9 lines: the pcsc-lite 1.9.9 spy also logs pioSendPci and pioRecvPci (dwProtocol, cbPciLength) before each buffer
    const pci = p.length === 9 ? 2 : 0;
    const command = buffer(p[1 + pci], p[2 + pci]);
    if (command === undefined) return [{ kind: 'garbled', text: 'SCardTransmit without a readable command buffer' }];
    if (rv !== 0) return [{ kind: 'transmit-failed', thread, command, error }];
    const response = buffer(p[3 + 2 * pci], p[4 + 2 * pci]);
    if (response === undefined || response.length < 2)
      return [{ kind: 'garbled', text: 'SCardTransmit without a readable response buffer' }];
    return [{ kind: 'exchange', thread, command, response, durationMs: ms, reader: this.cards.get(p[0] ?? '') }];
  }

  private reset(thread: string, name: string, rv: number, handle: string | undefined, how: string | undefined): SpyEvent[] {
    const n = spyNumber(how);
    if (rv !== 0 || (n !== SCARD_RESET_CARD && n !== SCARD_UNPOWER_CARD)) return [];
    const reader = this.cards.get(handle ?? '');
    if (name === 'SCardDisconnect') this.cards.delete(handle ?? '');
    return [{ kind: 'reset', thread, reader, call: name }];
  }

  /** Threads that entered a call and never returned (the application ended inside it). */
  pending(): string[] {
    return [...this.calls.entries()].map(([thread, c]) => `${c.name} (thread ${thread})`);
  }
}

/** SCardGetStatusChange: the ATRs of the readers whose event state says a card is present (0x20). */
function statusChange(p: readonly string[]): SpyEvent[] {
  const n = spyNumber(p[2]);
  if (n === undefined || p.length !== 3 + 10 * n) return [];
  const out: SpyEvent[] = [];
  for (let i = 0; i < n; i++) {
    const at = 3 + 5 * n + 5 * i;
    const reader = p[at];
    const state = spyNumber(p[at + 2]) ?? 0;
    const atr = buffer(p[at + 3], p[at + 4]);
    if (reader !== undefined && (state & 0x20) !== 0 && atr !== undefined && atr.length > 0) out.push({ kind: 'atr', reader, atr });
  }
  return out;
}
