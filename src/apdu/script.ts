import { SchsmError } from '../transport/errors.ts';
import { carriesSecretData, commandSecrets, redactedHex } from '../transport/redact.ts';
import { encodeCommand, parseCommand, type CommandApdu } from './command.ts';
import { bytesEqual, fromHex } from './hex.ts';

/**
 * The APDU mini-language, one parser for `schsm apdu`, `schsm run FILE.apdu` and the explorer.
 *
 *   whole APDU hex     00A4040C0BE82B0601040181C31F0201   sent verbatim (≥ 4 bytes; spaces allowed)
 *   hexdump            00:A4:04:0C                        whole APDU, every ':'-separated group one byte
 *   structured         [CLA]INS[P1P2][:DATA][/LE]         84/08 · 00A40400:E82B0601040181C31F0201/00 · 8058/0000
 *   expectation        …=SW                               =9000, =61XX, =63Cx (x/X/. is any nibble)
 *
 * Whitespace is insignificant everywhere. How a line is read, in this order (so no line has two readings):
 *   1. `=` starts the status-word expectation (the last `=` on the line).
 *   2. A `/` or exactly one `:` makes the line structured: HEADER[:DATA][/LE]. DATA is plain hex and
 *      may not contain `:`.
 *   3. Two or more `:` make it a hexdump of a whole APDU (at least 4 bytes).
 *   4. Otherwise it is hex: 4 or more bytes are a whole APDU, 1–3 bytes a structured header.
 * Header widths: 1 byte = INS (CLA 00, P1P2 0000), 2 = CLA INS, 3 = INS P1 P2, 4 = CLA INS P1 P2; so
 * `00:A4` is INS 00 with data A4, not a hexdump.
 * /LE is hex: 2 digits = Ne 1..256 (00 = 256), 4 digits = Ne 1..65536 (0000 = 65536) and forces the
 * extended form. The form is otherwise automatic: with more than 255 data bytes the APDU is extended
 * and a 2-digit Le only gives Ne.
 */

export class ScriptError extends SchsmError {
  override name = 'ScriptError';
  readonly line: number | undefined;
  readonly file: string | undefined;
  constructor(message: string, line?: number, file?: string) {
    const where = line === undefined ? '' : `${file ?? 'line'}${file === undefined ? ' ' : ':'}${line}: `;
    super(`${where}${message}`, 'ERR_SCHSM_SCRIPT');
    this.line = line;
    this.file = file;
  }
}

/** An expected status word, possibly with wildcard nibbles. */
export interface SwPattern {
  readonly text: string;
  readonly value: number;
  readonly mask: number;
}

export interface ParsedApdu {
  /** The exact bytes to send. */
  readonly bytes: Uint8Array;
  /** Set for the structured form (the bytes were encoded from it). */
  readonly command?: CommandApdu;
  readonly expect?: SwPattern;
}

/**
 * The command to give a channel (for GET RESPONSE, 6Cxx and chaining), or undefined when the bytes are
 * not a well-formed ISO 7816-4 APDU, or one that would not re-encode to exactly these bytes: those are
 * sent as given, so what the user typed is what goes on the wire.
 */
export function commandOfApdu(apdu: ParsedApdu): CommandApdu | undefined {
  if (apdu.command !== undefined) return apdu.command;
  try {
    const parsed = parseCommand(apdu.bytes);
    return bytesEqual(encodeCommand(parsed), apdu.bytes) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `9000`, `61XX`, `63Cx`, `90 00`: four hex digits or wildcards (x, X, .) for any nibble. */
export function parseSwPattern(text: string): SwPattern {
  const t = text.replace(/\s+/g, '');
  if (!/^[0-9a-fA-FxX.]{4}$/.test(t)) throw new ScriptError(`status word expectation must be 4 hex digits (x = any), got ${shown(text)}`);
  let value = 0;
  let mask = 0;
  for (const ch of t) {
    const wild = ch === 'x' || ch === 'X' || ch === '.';
    value = (value << 4) | (wild ? 0 : parseInt(ch, 16));
    mask = (mask << 4) | (wild ? 0 : 0xf);
  }
  return { text: t.toUpperCase(), value, mask };
}

/** Does `sw` satisfy the pattern? Without a pattern, 9000 and 61xx pass. */
export function swMatches(sw: number, pattern?: SwPattern): boolean {
  if (pattern === undefined) return sw === 0x9000 || sw >> 8 === 0x61;
  return (sw & pattern.mask) === pattern.value;
}

const HEXDUMP = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+$/;

/** Text quoted for an error message, cut after 60 characters. */
function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * Could this text carry a secret (transport/redact.ts's table)? True when its first or second byte is
 * an instruction with secret data (whole-APDU and structured headers put INS there), and when the text
 * cannot be read far enough to tell (fewer than two hex bytes before anything else, unless a short
 * structured header ends there: `84/08`).
 */
export function mayCarrySecret(text: string): boolean {
  const compact = text.replace(/[\s:]/g, '');
  const digits = /^[0-9a-fA-F]*/.exec(compact)?.[0] ?? '';
  const headerEnds = /^[/=]?$/.test(compact.charAt(digits.length)) && digits.length >= 2;
  if (digits.length < 4 && !headerEnds) return true;
  const bytes = digits.length >= 4 ? [0, 1] : [0];
  return bytes.some((i) => carriesSecretData(parseInt(digits.slice(2 * i, 2 * i + 2), 16)));
}

/** Quoted parts of a message (JSON strings, as `shown` and fromHex write them) replaced by `(…)`. */
function withoutQuotes(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '(…)');
}

/** Parse one APDU in the mini-language; any problem is a ScriptError naming it (never repeating a secret). */
export function parseApduText(text: string): ParsedApdu {
  try {
    return parseApduTextUnchecked(text);
  } catch (e) {
    if (!(e instanceof SchsmError)) throw e;
    if (mayCarrySecret(text))
      throw new ScriptError(`${withoutQuotes(e.message)} (the APDU is not repeated: it may carry a PIN, SO-PIN or key share)`);
    if (e instanceof ScriptError) throw e;
    // a message that already quotes the text it failed on (fromHex's) is not followed by the text again
    if (/"[^"]*"/.test(e.message)) throw new ScriptError(e.message);
    throw new ScriptError(`${e.message} (in ${shown(text.trim())})`);
  }
}

/**
 * The APDU as outputs may repeat it (`--json` input, echo lines, errors): the text as typed, or, when
 * the bytes carry a secret, their hex with the secret bytes as `..` (plus the `=SW` expectation).
 */
export function apduForDisplay(apdu: ParsedApdu, source: string): string {
  const hidden = commandSecrets(apdu.bytes);
  if (hidden.length === 0) return source.trim();
  return `${redactedHex(apdu.bytes, hidden)}${apdu.expect === undefined ? '' : `=${apdu.expect.text}`}`;
}

function parseApduTextUnchecked(text: string): ParsedApdu {
  let rest = text.trim();
  let expect: SwPattern | undefined;
  const eq = rest.lastIndexOf('=');
  if (eq >= 0) {
    expect = parseSwPattern(rest.slice(eq + 1));
    rest = rest.slice(0, eq);
  }
  const compact = rest.replace(/\s+/g, '');
  if (compact === '') throw new ScriptError('empty APDU');
  const colons = compact.split(':').length - 1;
  if (!compact.includes('/') && colons !== 1) {
    if (colons >= 2 && !HEXDUMP.test(compact)) {
      throw new ScriptError(`${shown(compact)}: a hexdump has one byte between colons; in HEADER:DATA the data may not contain ':'`);
    }
    const bytes = fromHex(compact);
    if (bytes.length >= 4) return withExpect({ bytes }, expect);
    if (colons >= 2) throw new ScriptError(`${shown(compact)}: a hexdump APDU needs at least 4 bytes (CLA INS P1 P2)`);
    // `00 B0 00`, three separate bytes, is a whole APDU missing a byte, not "INS P1P2" (written `B0 0000`)
    const groups = rest.trim().split(/\s+/);
    if (colons === 0 && bytes.length === 3 && groups.length === 3)
      throw new ScriptError(
        `${shown(rest.trim())}: 3 bytes are not an APDU (CLA INS P1 P2 needs 4); the structured form INS P1P2 is written with P1P2 together, e.g. B0 0000`,
      );
  }
  const command = parseStructured(compact);
  return withExpect({ bytes: encodeCommand(command), command }, expect);
}

function withExpect(p: ParsedApdu, expect: SwPattern | undefined): ParsedApdu {
  return expect === undefined ? p : { ...p, expect };
}

function parseStructured(text: string): CommandApdu {
  const slash = text.indexOf('/');
  const lePart = slash >= 0 ? text.slice(slash + 1) : undefined;
  const main = slash >= 0 ? text.slice(0, slash) : text;
  const colon = main.indexOf(':');
  if (colon >= 0 && main.includes(':', colon + 1))
    throw new ScriptError(`${shown(text)}: only one ':' (between header and data) is allowed in the structured form`);
  const header = fromHex(colon >= 0 ? main.slice(0, colon) : main);
  const data = colon >= 0 ? fromHex(main.slice(colon + 1)) : new Uint8Array(0);
  const h = [...header];
  const fields: Record<number, [number, number, number, number]> = {
    1: [0, h[0] ?? 0, 0, 0],
    2: [h[0] ?? 0, h[1] ?? 0, 0, 0],
    3: [0, h[0] ?? 0, h[1] ?? 0, h[2] ?? 0],
    4: [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0],
  };
  const f = fields[header.length];
  if (f === undefined)
    throw new ScriptError(`APDU header must be INS, CLA INS, INS P1P2 or CLA INS P1P2 (1–4 bytes), got ${header.length} bytes`);
  const [cla, ins, p1, p2] = f;
  let ne = 0;
  let form: 'short' | 'extended' | undefined;
  if (lePart !== undefined) {
    if (!/^([0-9a-fA-F]{2}|[0-9a-fA-F]{4})$/.test(lePart))
      throw new ScriptError(`Le must be 2 (short) or 4 (extended) hex digits, got ${shown(lePart)}`);
    const v = parseInt(lePart, 16);
    if (lePart.length === 2) ne = v === 0 ? 256 : v;
    else {
      ne = v === 0 ? 65536 : v;
      form = 'extended';
    }
  }
  const cmd: CommandApdu = { cla, ins, p1, p2, data, ne };
  return form === undefined ? cmd : { ...cmd, form };
}

/** A step of an `apdu/*.apdu` script. */
export type ScriptStep =
  | { readonly kind: 'apdu'; readonly line: number; readonly source: string; readonly apdu: ParsedApdu }
  | { readonly kind: 'reset'; readonly line: number }
  | { readonly kind: 'exit'; readonly line: number };

/**
 * Parse a script: scriptor-compatible hex lines (one APDU per line, a trailing `\` continues it on the
 * next line; comment and blank lines in between are skipped, as scriptor does), `#` comments (whole line
 * or trailing), `reset`, `exit`/`quit`, and any line of the mini-language above. Errors name the line
 * where the statement starts (and the file when given).
 */
export function parseScript(text: string, file?: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const lines = text.split(/\r?\n/);
  let pending = '';
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/#.*$/, '').trim();
    if (pending === '') startLine = i + 1;
    else if (raw === '') continue; // scriptor skips comment and blank lines inside a continuation
    if (raw.endsWith('\\')) {
      pending += ` ${raw.slice(0, -1)}`;
      continue;
    }
    const stmt = `${pending} ${raw}`.trim();
    pending = '';
    if (stmt === '') continue;
    const word = stmt.toLowerCase();
    if (word === 'reset') steps.push({ kind: 'reset', line: startLine });
    else if (word === 'exit' || word === 'quit') steps.push({ kind: 'exit', line: startLine });
    else {
      try {
        steps.push({ kind: 'apdu', line: startLine, source: stmt, apdu: parseApduText(stmt) });
      } catch (e) {
        throw new ScriptError(e instanceof Error ? e.message : String(e), startLine, file);
      }
    }
  }
  if (pending !== '') throw new ScriptError('file ends inside a continued line', startLine, file);
  return steps;
}
