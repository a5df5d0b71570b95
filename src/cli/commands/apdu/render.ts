import { annotateCommand, annotateResponse, lengthInfo } from '../../../trace/annotate.ts';
import { renderData } from '../../../trace/render.ts';
import { concretePattern } from '../../../trace/pattern.ts';
import { redactedHex, type ExchangeSecrets, type Redaction } from '../../../transport/redact.ts';

/**
 * The annotated hexdump `schsm apdu` and `schsm run` print for every exchange on the wire (GET
 * RESPONSE and re-sent 6Cxx commands included):
 *
 *   => 00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01 | 00
 *      SELECT · CLA 00: ISO · P1 04: select by DF name (AID) · P2 00: return FCI
 *      case 4S · Lc 0B (Nc 11) · Le 00 (Ne 256)
 *   <= 62 16 … | 90 00   (1.204 ms)
 *      9000 OK: normal processing · 24 data bytes
 *
 * Secrets (PINs, SO-PINs, DKEK shares, decrypted data, card random; transport/redact.ts) print as
 * `..`: the caller passes the exchange's secrets from its stream redactor (none with --no-redact). Data longer than INLINE bytes is shown as an offset/ASCII hexdump.
 */
const INLINE = 16;
const INDENT = '   ';

/** Is byte `i` inside one of the hidden ranges? */
const hiddenAt = (ranges: readonly Redaction[], i: number): boolean => ranges.some((r) => i >= r.start && i < r.end);

/** Bytes [from, to) as spaced hex with hidden bytes as `..`. */
const maskedHex = (bytes: Uint8Array, hidden: readonly Redaction[], from = 0, to = bytes.length): string =>
  redactedHex(bytes, hidden, ' ', from, to);

/** 16 bytes per line with offset and ASCII column; hidden bytes as `..` / `.`. */
export function maskedHexdump(bytes: Uint8Array, hidden: readonly Redaction[], from: number, to: number, indent: string): string[] {
  const lines: string[] = [];
  for (let off = from; off < to; off += 16) {
    const end = Math.min(to, off + 16);
    const hex = maskedHex(bytes, hidden, off, end).padEnd(47, ' ');
    let ascii = '';
    for (let i = off; i < end; i++) {
      const b = bytes[i] ?? 0;
      ascii += !hiddenAt(hidden, i) && b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${indent}${(off - from).toString(16).padStart(4, '0')}  ${hex}  ${ascii}`);
  }
  return lines;
}

/** Header | Lc | data | Le on one line (data elided to a count when long). */
function commandLayout(cmd: Uint8Array, hidden: readonly Redaction[]): { head: string; dump: string[] } {
  const l = lengthInfo(cmd);
  if (l.case === 'malformed') return { head: maskedHex(cmd, hidden), dump: [] };
  const dataEnd = l.dataStart + l.nc;
  const parts = [maskedHex(cmd, hidden, 0, 4)];
  if (l.dataStart > 4 && l.nc > 0) parts.push(maskedHex(cmd, hidden, 4, l.dataStart));
  if (l.nc > 0) parts.push(l.nc <= INLINE ? maskedHex(cmd, hidden, l.dataStart, dataEnd) : `<${l.nc} data bytes>`);
  const leStart = l.nc > 0 ? dataEnd : 4;
  if (leStart < cmd.length) parts.push(maskedHex(cmd, hidden, leStart, cmd.length));
  const dump = l.nc > INLINE ? maskedHexdump(cmd, hidden, l.dataStart, dataEnd, INDENT) : [];
  return { head: parts.join(' | '), dump };
}

/** The lines for one command/response pair; `secrets` are hidden. */
export function renderExchange(command: Uint8Array, response: Uint8Array, micros: number, secrets: ExchangeSecrets): string[] {
  const cHidden = secrets.command;
  const rHidden = secrets.response;
  const c = annotateCommand(concretePattern(command));
  const out: string[] = [];
  const layout = commandLayout(command, cHidden);
  out.push(`=> ${layout.head}`);
  out.push(`${INDENT}${c.name} · CLA ${c.cla.text} · ${c.params}`);
  out.push(`${INDENT}${c.lengths.text}`);
  out.push(...layout.dump);
  if (cHidden.length === 0) for (const l of renderData(c.data)) out.push(`${INDENT}${l}`);
  else out.push(`${INDENT}${cHidden.map((h) => h.what).join(', ')}: hidden (--no-redact shows it)`);

  const n = Math.max(0, response.length - 2);
  const r = annotateResponse(concretePattern(response), c.ins);
  const sw = maskedHex(response, [], n, response.length);
  const time = `(${(micros / 1000).toFixed(3)} ms)`;
  const allHidden = rHidden.some((h) => h.start === 0 && h.end >= n);
  out.push(`<= ${n === 0 ? sw : n <= INLINE ? `${maskedHex(response, rHidden, 0, n)} | ${sw}` : `<${n} data bytes> | ${sw}`}   ${time}`);
  if (allHidden) out.push(`${INDENT}${rHidden.map((h) => h.what).join(', ')}: hidden (--no-redact shows it)`);
  else if (n > INLINE) out.push(...maskedHexdump(response, rHidden, 0, n, INDENT));
  out.push(`${INDENT}${r.sw} ${r.swName}: ${r.meaning}${n > 0 ? ` · ${n} data bytes` : ''}`);
  if (rHidden.length === 0) for (const l of renderData(r.data)) out.push(`${INDENT}${l}`);
  return out;
}

/** One exchange for `--json`: hex with `..` for hidden bytes. */
export interface ExchangeJson {
  readonly command: string;
  readonly response: string;
  readonly instruction: string;
  readonly sw: string;
  readonly swName: string;
  readonly meaning: string;
  readonly micros: number;
}

export function exchangeJson(command: Uint8Array, response: Uint8Array, micros: number, secrets: ExchangeSecrets): ExchangeJson {
  const cHidden = secrets.command;
  const rHidden = secrets.response;
  const c = annotateCommand(concretePattern(command));
  const r = annotateResponse(concretePattern(response), c.ins);
  const compact = (s: string): string => s.replace(/ /g, '');
  return {
    command: compact(maskedHex(command, cHidden)),
    response: compact(maskedHex(response, rHidden)),
    instruction: c.name,
    sw: r.sw,
    swName: r.swName,
    meaning: r.meaning,
    micros: Math.round(micros),
  };
}
