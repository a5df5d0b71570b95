/**
 * Splitting pcsc-spy output into its printed pieces ("fragments").
 *
 * pcsc-spy (pcsc-lite's `pcsc-spy`, Python) prints each call as a function name line, ` i ` (in) and
 * ` o ` (out) parameter lines, hex dumps ` i  0000 HH HH … ASCII`, and a result line ` => text [secs]`.
 * A program with several threads (or several programs sharing the spy FIFO) gets one printer thread per
 * client thread; thread N's lines are indented by 4 × (N − 1) blanks, followed with `-t` by a marker
 * ` (tN-1) ` (pcsc-spy 1.9.9 `PCSCspy.__init__`). The printer threads write a line
 * and its line break separately, so with two threads a physical line can hold pieces of both
 * (`… (0x00000010)     o  0090 C0 5A …`) and some line breaks land elsewhere (empty lines). This
 * module recovers the pieces and their thread from any physical line: a piece starts with its indent
 * and `SCard…`, ` i `, ` o ` or ` => `; a hex dump piece has a computable length (n bytes: offset,
 * n × " HH", padding to 16 groups, one blank, n ASCII characters), other pieces end where the next
 * piece starts.
 */

export type FragmentKind = 'name' | 'in' | 'out' | 'rv' | 'other';

export interface Fragment {
  readonly kind: FragmentKind;
  /** 0-based printer thread (indent / 4). */
  readonly thread: number;
  /** Name, parameter text, result text, or for dumps the text after the direction letter. */
  readonly body: string;
  /** Bytes of a hex dump piece, else undefined. */
  readonly dump: number[] | undefined;
  /** 1-based physical line. */
  readonly line: number;
}

const NEXT_PIECE = / +(?=[io] |=> |SCard[A-Z]|SCarControl|\(t\d+\) )/g;
const THREAD_MARK = /^\(t(\d+)\) /;
const DUMP_HEAD = /^ ([0-9A-Fa-f]{4}):? /;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** End of the piece starting at `from` (exclusive): the start of the next piece or the line end. */
function pieceEnd(line: string, from: number): number {
  NEXT_PIECE.lastIndex = from;
  const m = NEXT_PIECE.exec(line);
  return m === null ? line.length : m.index;
}

/** A dump piece body starting at `at` (just after `i `/`o `): returns bytes and end, or undefined. */
function readDump(line: string, at: number): { bytes: number[]; end: number } | undefined {
  const head = DUMP_HEAD.exec(line.slice(at, at + 7));
  if (head === null) return undefined;
  let i = at + head[0].length - 1;
  const bytes: number[] = [];
  while (bytes.length < 16 && line.charCodeAt(i) === 32) {
    const hi = hexValue(line.charCodeAt(i + 1));
    const lo = hexValue(line.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) break;
    bytes.push((hi << 4) | lo);
    i += 3;
  }
  if (bytes.length === 0) return undefined;
  const pad = 3 * (16 - bytes.length) + 1;
  for (let k = 0; k < pad; k++) if (line.charCodeAt(i + k) !== 32) return { bytes, end: line.length };
  return { bytes, end: Math.min(line.length, i + pad + bytes.length) };
}

/** All pieces of one physical line, in order. */
export function splitFragments(line: string, lineNo: number): Fragment[] {
  const out: Fragment[] = [];
  let pos = 0;
  while (pos < line.length) {
    let k = pos;
    while (line.charCodeAt(k) === 32) k++;
    if (k >= line.length) break;
    let spaces = k - pos;
    const mark = THREAD_MARK.exec(line.slice(k, k + 12));
    if (mark !== null) {
      k += mark[0].length;
      spaces = 0;
      while (line.charCodeAt(k) === 32) {
        k++;
        spaces++;
      }
    }
    const marked = mark === null ? undefined : Number(mark[1]);
    const rest = line.slice(k, k + 3);
    const name = /^SCar[A-Za-z]+/.exec(line.slice(k, k + 40));
    if (name !== null && (spaces % 4 === 0 || pos > 0)) {
      out.push({ kind: 'name', thread: marked ?? Math.floor(spaces / 4), body: name[0], dump: undefined, line: lineNo });
      pos = k + name[0].length;
      continue;
    }
    const thread = marked ?? Math.max(0, Math.floor((spaces - 1) / 4));
    if (rest.startsWith('=>')) {
      const end = pieceEnd(line, k + 2);
      out.push({ kind: 'rv', thread, body: line.slice(k + 2, end).trim(), dump: undefined, line: lineNo });
      pos = end;
      continue;
    }
    if ((rest[0] === 'i' || rest[0] === 'o') && rest[1] === ' ') {
      const kind = rest[0] === 'i' ? 'in' : 'out';
      const dump = readDump(line, k + 2);
      const end = dump?.end ?? pieceEnd(line, k + 2);
      out.push({ kind, thread, body: line.slice(k + 2, end).trim(), dump: dump?.bytes, line: lineNo });
      pos = end;
      continue;
    }
    out.push({ kind: 'other', thread: 0, body: line.slice(k).trim(), dump: undefined, line: lineNo });
    break;
  }
  return out;
}
