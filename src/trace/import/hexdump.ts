/**
 * Reading the hex+ASCII dump lines that OpenSC and pcsc-spy print: up to 16 bytes as `HH ` groups,
 * then (after padding on all but a dump's first line) the same bytes as ASCII. The ASCII column can
 * look like hex (`41 42` prints `AB`), so the number of bytes on a line is never guessed from the
 * characters alone: it comes from the byte count the log states, or from the line's length.
 */
import { hex2 } from '../../apdu/hex.ts';

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Read `count` bytes written as `HH` groups separated by one blank, starting at `from` in `line`,
 * into `out`. Returns false when the line does not hold that many groups.
 */
export function readHexGroups(line: string, from: number, count: number, out: number[]): boolean {
  let i = from;
  for (let k = 0; k < count; k++) {
    const hi = hexValue(line.charCodeAt(i));
    const lo = hexValue(line.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    out.push((hi << 4) | lo);
    i += 2;
    if (k < count - 1 && line.charCodeAt(i) !== 32) return false;
    i++;
  }
  return true;
}

/**
 * How many bytes an OpenSC dump line (`sc_hex_dump`, `util_hex_dump_asc`) holds when no count is
 * known: a full line is 16 × "HH " + 16 ASCII = 64 characters; a dump's only line is n × "HH " + n ASCII
 * = 4n; a later, shorter line is padded to 48 characters before its n ASCII characters.
 */
export function openscDumpLineBytes(line: string, firstLine: boolean): number | undefined {
  const len = line.length;
  if (len === 64) return 16;
  if (firstLine) return len % 4 === 0 && len > 0 && len < 64 ? len / 4 : undefined;
  return len > 48 && len < 64 ? len - 48 : undefined;
}

/** Bytes of a hex string with any separators (blanks, colons). */
export function looseHex(text: string): number[] | undefined {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
  return out;
}

/** Upper-case, blank-separated hex of a byte list (for metadata values). */
export function spacedHex(bytes: readonly number[]): string {
  return bytes.map(hex2).join(' ');
}
