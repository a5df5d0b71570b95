/**
 * # The schsm trace format, version 1
 *
 * A trace records the APDUs exchanged with one card, readable by a person, diffable with any diff
 * tool, and replayable in tests. Example:
 *
 * ```text
 * # schsm APDU trace
 * # trace-format: 1
 * # reader: Virtual PCD 00 01
 * # atr: 3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA
 * # protocol: T=1
 * # redacted: PINs, SO-PINs, DKEK shares, card random; masked bytes are shown as ..
 *
 * # select the SmartCard-HSM applet
 * => 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00
 * <= 62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 00 FF 06 06 90 00 @0.655ms
 * => 00 20 00 81 06 .. .. .. .. .. ..  # redacted: PIN (VERIFY)
 * <= 90 00
 * => 80 68 01 73 00 00 20 .. * 02 00
 * <= * 90 00
 * reset 3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA
 * ```
 *
 * ## Lines
 * The text is UTF-8. Lines end with LF; a CR right before the LF is ignored. Blanks (space, tab) at
 * the start and end of a line are ignored. Lines are numbered from 1; every error names the line.
 * After trimming, a line is one of:
 *
 * | Line                          | Meaning |
 * |-------------------------------|---------|
 * | (empty)                       | nothing |
 * | `# text`                      | comment |
 * | `=> PATTERN [# note]`         | a command APDU sent to the card |
 * | `<= PATTERN [@TIME] [# note]` | the response APDU (data ‖ SW1 SW2) the card returned |
 * | `reset [ATR] [# note]`        | the card was reset (warm or cold); ATR, optional hex, is what it answered |
 *
 * `reset` is case-insensitive. Anything else is an error. A `#` on a `=>`, `<=` or `reset` line starts
 * its note, which extends to the end of the line; a note carries no meaning for a reader.
 *
 * ## Patterns
 * PATTERN is a sequence of tokens, optionally separated by blanks (blanks never split a token):
 * - `HH` — one byte, two hex digits, either case;
 * - `..` — any one byte ("masked": a redacted secret, or a byte that varies from run to run, like a
 *   GET CHALLENGE answer or a signature);
 * - `*` — any number of bytes, zero included (a signature or DER structure of varying length).
 *
 * A command pattern holds at least 4 byte tokens (`HH` or `..`), unless it contains a `*`. A response
 * pattern ends with at least 2 byte tokens after its last `*` (SW1 SW2 are always there, possibly masked).
 *
 * ## Exchanges
 * Every `=>` is followed by exactly one `<=`; comments and empty lines may come between them. A `<=`
 * without a `=>` before it, a `=>` followed by another `=>` or by `reset`, and a `=>` at the end of the
 * text are errors.
 *
 * ## Timing
 * TIME is `@`, a decimal number and a unit `ms`, `us` or `s`, e.g. `@1.234ms`: the time from sending the
 * command to receiving the response. schsm writes milliseconds with 3 decimals. Replay and diff ignore it.
 *
 * ## Header and metadata
 * The header is the run of comment lines at the very start of the text, ending at the first line that
 * is empty or not a comment. A header comment of the form `# key: value` — key = a letter followed by
 * letters, digits, `-`, `_` or `.`; then `:` and at least one blank — is metadata. Keys are
 * case-insensitive (exposed in lower case); values are trimmed; the values of a repeated key are joined
 * with `; `. Comments after the header carry no meaning. Keys schsm writes:
 * `trace-format` (`1`; a reader refuses any other value), `reader`, `atr` (hex), `protocol` (`T=0`,
 * `T=1`), `schsm` (version), `date` (ISO 8601), `redacted` (what was masked, or a warning that nothing
 * was), `source` and `imported-from` (for imported logs).
 *
 * ## Replay
 * Records are used in order. A command matches a `=>` pattern when every `HH` equals the sent byte, each
 * `..` consumes one byte of any value and each `*` any run of bytes; a strict replayer fails on the first
 * command that does not match, naming the line. The response is the `<=` pattern with every `..` filled
 * with 00 (or random bytes, when asked) and every `*` replaced by nothing. A `reset` record is consumed
 * by a card reset; a replayer's ATR is the header's `atr` until a `reset ATR` replaces it.
 *
 * ## Canonical form (what schsm writes)
 * The header lines as `# text`; an empty line; then each record: the comment lines that preceded it
 * (after an empty line, except right after the header), then `=> ` and the bytes in upper-case hex
 * separated by single blanks, `<= ` likewise followed by ` @x.xxxms` when timed, and `  # note` when
 * there is a note; `reset`, a blank and the ATR when known. Trailing comments follow after an empty line.
 * Parsing the canonical form and writing it again gives the same text.
 */
import { TraceParseError } from './errors.ts';
import { lastPatternEnd, parseHexPattern, type HexPattern } from './pattern.ts';
import type { Trace, TraceExchange, TraceRecord, TraceReset } from './types.ts';

export { formatComment, formatDuration, formatHeader, formatRecord, formatTrace } from './print.ts';

export const TRACE_FORMAT_VERSION = '1';

export interface ParseTraceOptions {
  /** File name for error messages. */
  readonly file?: string;
}

const META = /^([A-Za-z][A-Za-z0-9_.-]*):[ \t]+(.*)$/;
const TIME = /^@[ \t]*(\d+(?:\.\d+)?)[ \t]*(ms|us|\u00b5s|s)$/;

/** Parse trace text. Throws TraceParseError naming the source line. */
export function parseTrace(text: string, options: ParseTraceOptions = {}): Trace {
  return new TraceParser(text, options.file).run();
}

/**
 * The parser. `run()` parses a whole text; for a streamed trace (stream.ts), `feedLine` takes one line
 * at a time, `onRecord` receives each record instead of collecting it, `headerDone` turns true at the
 * first line after the header, and `finish()` ends the text.
 */
export class TraceParser {
  text: string;
  readonly file: string | undefined;
  readonly records: TraceRecord[] = [];
  readonly header: string[] = [];
  readonly metadata: Record<string, string> = {};
  /** Receives each record as it is parsed (stream.ts); records are then not collected. */
  onRecord: ((r: TraceRecord) => void) | undefined;
  inHeader = true;
  comments: string[] | undefined;
  cmd: HexPattern | undefined;
  cmdLine = 0;
  cmdNote: string | undefined;
  cmdComments: string[] | undefined;

  constructor(text: string, file: string | undefined) {
    this.text = text;
    this.file = file;
  }

  /** Parse the whole text. */
  run(): Trace {
    const text = this.text;
    const len = text.length;
    let pos = 0;
    let lineNo = 0;
    while (pos <= len) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = len;
      lineNo++;
      this.span(pos, eol, lineNo);
      pos = eol + 1;
    }
    return this.finish();
  }

  /** One line (without its LF) of a streamed text. */
  feedLine(line: string, lineNo: number): void {
    this.text = line;
    this.span(0, line.length, lineNo);
  }

  get headerDone(): boolean {
    return !this.inHeader;
  }

  /** The trace-format the header names must be one this parser reads. */
  /** @internal */
  checkVersion(): void {
    const version = this.metadata['trace-format'];
    if (version !== undefined && version !== TRACE_FORMAT_VERSION) {
      this.fail(`unsupported trace-format ${JSON.stringify(version)} (this schsm reads version ${TRACE_FORMAT_VERSION})`, 1);
    }
  }

  /** End of the text: a command without response is an error. */
  finish(): Trace {
    if (this.cmd !== undefined) this.fail(`command at line ${this.cmdLine} has no response (<=) before the end`, this.cmdLine);
    this.checkVersion();
    return { metadata: this.metadata, header: this.header, records: this.records, trailer: this.comments ?? [], source: this.file };
  }

  private span(start: number, end: number, lineNo: number): void {
    const text = this.text;
    let s = start;
    let e = end;
    while (s < e && isBlank(text.charCodeAt(s))) s++;
    while (e > s && isBlankOrCr(text.charCodeAt(e - 1))) e--;
    if (s === e) this.inHeader = false;
    else this.line(s, e, lineNo);
  }

  private emit(r: TraceRecord): void {
    if (this.onRecord === undefined) this.records.push(r);
    else this.onRecord(r);
  }

  /** @internal */
  line(s: number, e: number, lineNo: number): void {
    const text = this.text;
    const c0 = text.charCodeAt(s);
    const c1 = s + 1 < e ? text.charCodeAt(s + 1) : 0;
    if (c0 === 35 /* # */) return this.comment(text.slice(s + 1 < e && text.charCodeAt(s + 1) === 32 ? s + 2 : s + 1, e));
    this.inHeader = false;
    if (c0 === 61 /* = */ && c1 === 62 /* > */) return this.command(s + 2, e, lineNo);
    if (c0 === 60 /* < */ && c1 === 61 /* = */) return this.response(s + 2, e, lineNo);
    if ((c0 | 0x20) === 114 /* r */ && /^reset(?=$|[ \t#])/i.test(text.slice(s, Math.min(e, s + 6)))) return this.reset(s + 5, e, lineNo);
    // The text is not repeated: a trace recorded with --no-redact holds PINs and shares.
    this.fail('unexpected line: expected "=> command", "<= response", "reset" or "# comment"', lineNo);
  }

  /** @internal */
  comment(body: string): void {
    if (this.inHeader) {
      this.header.push(body);
      const m = META.exec(body);
      if (m !== null) {
        const key = (m[1] ?? '').toLowerCase();
        const value = (m[2] ?? '').trim();
        const old = this.metadata[key];
        this.metadata[key] = old === undefined ? value : `${old}; ${value}`;
      }
      return;
    }
    (this.comments ??= []).push(body);
  }

  /** Parse the pattern of [s, e) up to a `#` or `@`; returns it and where it stopped. */
  /** @internal */
  pattern(s: number, e: number, lineNo: number): HexPattern {
    return parseHexPattern(this.text, s, e, lineNo, this.file, true);
  }

  /** Index of the `#` that starts the note in [from, e), or e. */
  /** @internal */
  noteAfter(from: number, e: number): number {
    const text = this.text;
    for (let i = from; i < e; i++) if (text.charCodeAt(i) === 35) return i;
    return e;
  }

  /** @internal */
  note(h: number, e: number): string | undefined {
    return h < e ? this.text.slice(h + 1, e).trim() : undefined;
  }

  /** @internal */
  command(s: number, e: number, lineNo: number): void {
    if (this.cmd !== undefined) this.fail(`command at line ${this.cmdLine} has no response (<=): another command follows`, lineNo);
    const p = this.pattern(s, e, lineNo);
    const h = lastPatternEnd();
    if (h < e && this.text.charCodeAt(h) === 64) this.fail('timing (@…) belongs on the response line', lineNo);
    if (p.bytes.length < 4 && p.stars === undefined)
      this.fail(`a command needs at least the 4 header bytes CLA INS P1 P2, got ${p.bytes.length}`, lineNo);
    this.cmd = p;
    this.cmdLine = lineNo;
    this.cmdNote = this.note(h, e);
    this.cmdComments = this.comments;
    this.comments = undefined;
  }

  /** @internal */
  response(s: number, e: number, lineNo: number): void {
    const cmd = this.cmd;
    if (cmd === undefined) this.fail('response (<=) without a command (=>) before it', lineNo);
    const p = this.pattern(s, e, lineNo);
    const at = lastPatternEnd();
    const h = at < e && this.text.charCodeAt(at) === 64 ? this.noteAfter(at, e) : at;
    const lastStar = p.stars?.[p.stars.length - 1] ?? 0;
    if (p.bytes.length - lastStar < 2) this.fail('a response ends with SW1 SW2 (2 bytes, possibly masked ".." ..)', lineNo);
    const exchange: TraceExchange = {
      kind: 'exchange',
      command: cmd as HexPattern,
      response: p,
      line: this.cmdLine,
      responseLine: lineNo,
      durationMs: at < h ? this.time(at, h, lineNo) : undefined,
      note: this.cmdNote,
      responseNote: this.note(h, e),
      comments: mergeComments(this.cmdComments, this.comments),
    };
    this.emit(exchange);
    this.cmd = undefined;
    this.comments = undefined;
  }

  /** @internal */
  time(at: number, h: number, lineNo: number): number {
    const fast = quickMs(this.text, at, h);
    if (fast >= 0) return fast;
    const m = TIME.exec(this.text.slice(at, h).trim());
    if (m === null)
      this.fail(`timing must look like @1.234ms (units ms, us, s), got ${JSON.stringify(this.text.slice(at, h).trim())}`, lineNo);
    const v = Number(m?.[1]);
    const unit = m?.[2];
    return unit === 's' ? v * 1000 : unit === 'ms' ? v : v / 1000;
  }

  /** @internal */
  reset(s: number, e: number, lineNo: number): void {
    if (this.cmd !== undefined) this.fail(`command at line ${this.cmdLine} has no response (<=): a reset follows`, lineNo);
    const p = this.pattern(s, e, lineNo);
    const h = lastPatternEnd();
    if (h < e && this.text.charCodeAt(h) === 64) this.fail('timing (@…) belongs on a response line', lineNo);
    if (p.masked !== undefined || p.stars !== undefined) this.fail('the ATR of a reset must be plain hex', lineNo);
    const rec: TraceReset = {
      kind: 'reset',
      line: lineNo,
      atr: p.bytes.length > 0 ? p.bytes : undefined,
      note: this.note(h, e),
      comments: this.comments,
    };
    this.emit(rec);
    this.comments = undefined;
  }

  /** @internal */
  fail(message: string, lineNo: number): never {
    throw new TraceParseError(message, lineNo, this.file);
  }
}

/**
 * `@<digits>[.<digits>]ms` followed only by blanks, read without allocating; -1 for anything else.
 * One division of two exact integers, so the result is the double nearest to the decimal, as Number().
 */
function quickMs(text: string, at: number, end: number): number {
  let i = at + 1;
  let digits = 0;
  let scale = 1;
  let c = text.charCodeAt(i);
  if (c < 48 || c > 57) return -1;
  while (c >= 48 && c <= 57) {
    digits = digits * 10 + (c - 48);
    c = text.charCodeAt(++i);
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    if (c < 48 || c > 57) return -1;
    while (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      scale *= 10;
      c = text.charCodeAt(++i);
    }
  }
  if (digits > Number.MAX_SAFE_INTEGER || c !== 109 || text.charCodeAt(i + 1) !== 115) return -1; // "ms"
  for (i += 2; i < end; i++) if (!isBlank(text.charCodeAt(i))) return -1;
  return digits / scale;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isBlankOrCr(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function mergeComments(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : [...a, ...b];
}
