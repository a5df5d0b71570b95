import { formatPattern, patternsCompatible, type HexPattern } from './pattern.ts';
import type { Trace, TraceRecord } from './types.ts';

/**
 * Where two sessions diverge (a working and a failing reader, two schsm versions, schsm and OpenSC).
 * Records are aligned on their commands (a shortest edit script, Myers' algorithm; masks match any
 * byte), so an extra or missing exchange is reported once and the rest still lines up. Aligned
 * exchanges are then compared on their responses: status word first, then data. Timing is ignored.
 */

export type DiffKind = 'command' | 'sw' | 'response' | 'only-a' | 'only-b';

export interface DiffSide {
  /** 0-based record index and 1-based line in that trace. */
  readonly index: number;
  readonly line: number;
  /** `=> …` / `<= …` hex, or `reset`. */
  readonly command: string;
  readonly response: string | undefined;
}

export interface DiffEntry {
  readonly kind: DiffKind;
  readonly a: DiffSide | undefined;
  readonly b: DiffSide | undefined;
  /** What differs, in words. */
  readonly detail: string;
}

export interface TraceDiff {
  readonly equal: boolean;
  readonly aRecords: number;
  readonly bRecords: number;
  /** Records aligned as the same command. */
  readonly aligned: number;
  /** Number of differences found; `differences` keeps the first 10,000 of them. */
  readonly total: number;
  readonly first: DiffEntry | undefined;
  readonly differences: readonly DiffEntry[];
}

type Op =
  | { readonly op: 'same'; readonly i: number; readonly j: number }
  | { readonly op: 'del'; readonly i: number }
  | { readonly op: 'ins'; readonly j: number };

function sameCommand(x: TraceRecord, y: TraceRecord): boolean {
  if (x.kind === 'reset' || y.kind === 'reset') return x.kind === y.kind;
  return patternsCompatible(x.command, y.command);
}

/** Myers' O((N+M)·D) shortest edit script; falls back to position-wise pairing past `maxCells`. */
function editScript(a: readonly TraceRecord[], b: readonly TraceRecord[], maxCells = 20_000_000): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * v.length > maxCells) return positional(n, m);
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[off + k - 1] ?? 0) < (v[off + k + 1] ?? 0)) ? (v[off + k + 1] ?? 0) : (v[off + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && sameCommand(a[x] as TraceRecord, b[y] as TraceRecord)) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, off, n, m);
    }
  }
  return positional(n, m);
}

function backtrack(trace: readonly Int32Array[], off: number, n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const prevK = k === -d || (k !== d && (v[off + k - 1] ?? 0) < (v[off + k + 1] ?? 0)) ? k + 1 : k - 1;
    const px = v[off + prevK] ?? 0;
    const py = px - prevK;
    while (x > px && y > py) ops.push({ op: 'same', i: --x, j: --y });
    if (d > 0) ops.push(x === px ? { op: 'ins', j: --y } : { op: 'del', i: --x });
  }
  return ops.reverse();
}

function positional(n: number, m: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < Math.max(n, m); i++) {
    if (i < n && i < m) ops.push({ op: 'del', i }, { op: 'ins', j: i });
    else if (i < n) ops.push({ op: 'del', i });
    else ops.push({ op: 'ins', j: i });
  }
  return ops;
}

function side(rec: TraceRecord, index: number): DiffSide {
  if (rec.kind === 'reset') return { index, line: rec.line, command: 'reset', response: undefined };
  return { index, line: rec.line, command: formatPattern(rec.command), response: formatPattern(rec.response) };
}

function sw(p: HexPattern): HexPattern {
  const n = p.bytes.length;
  return { bytes: p.bytes.subarray(n - 2), masked: p.masked?.subarray(n - 2), stars: undefined };
}

function compareAligned(x: TraceRecord, y: TraceRecord, i: number, j: number): DiffEntry | undefined {
  if (x.kind !== 'exchange' || y.kind !== 'exchange') return undefined;
  const a = side(x, i);
  const b = side(y, j);
  if (!patternsCompatible(sw(x.response), sw(y.response))) {
    return { kind: 'sw', a, b, detail: `status word ${formatPattern(sw(x.response), '')} ≠ ${formatPattern(sw(y.response), '')}` };
  }
  if (!patternsCompatible(x.response, y.response)) return { kind: 'response', a, b, detail: dataDifference(x.response, y.response) };
  return undefined;
}

/** "response data differs at byte 32: 00 ≠ 01", or the lengths when they differ. */
function dataDifference(x: HexPattern, y: HexPattern): string {
  const lx = x.bytes.length - 2;
  const ly = y.bytes.length - 2;
  if (lx !== ly || x.stars !== undefined || y.stars !== undefined) return `response data differs (${lx} vs ${ly} bytes)`;
  let i = 0;
  while (i < lx && (x.masked?.[i] === 1 || y.masked?.[i] === 1 || x.bytes[i] === y.bytes[i])) i++;
  const hx = formatPattern({ bytes: x.bytes.subarray(i, i + 1), masked: undefined, stars: undefined });
  const hy = formatPattern({ bytes: y.bytes.subarray(i, i + 1), masked: undefined, stars: undefined });
  return `response data differs at byte ${i}: ${hx} ≠ ${hy}`;
}

/** Compare two traces. */
export function diffTraces(ta: Trace, tb: Trace): TraceDiff {
  return diffRecordStreams(ta.records, tb.records);
}

export interface StreamDiffOptions {
  /** Records of each side aligned at once after a divergence (Myers' algorithm on the window). */
  readonly window?: number;
  /** Differences kept in the result (the rest are counted in `total`). */
  readonly keep?: number;
}

/** A side's records not yet aligned, with the index of the first one. */
class Side {
  readonly queue: TraceRecord[] = [];
  base = 0;
  done = false;
  count = 0;
  readonly it: Iterator<TraceRecord>;
  constructor(it: Iterator<TraceRecord>) {
    this.it = it;
  }
  fill(n: number): void {
    while (!this.done && this.queue.length < n) {
      const r = this.it.next();
      if (r.done === true) this.done = true;
      else {
        this.queue.push(r.value);
        this.count++;
      }
    }
  }
  drop(n: number): void {
    this.queue.splice(0, n);
    this.base += n;
  }
}

/**
 * Compare two record streams in bounded memory: records that agree are compared and dropped as they
 * come; after a divergence the next `window` records of each side are aligned with Myers' algorithm,
 * and what follows the last aligned pair waits for the next window. Traces shorter than the window
 * are aligned as a whole.
 */
export function diffRecordStreams(a: Iterable<TraceRecord>, b: Iterable<TraceRecord>, options: StreamDiffOptions = {}): TraceDiff {
  const window = options.window ?? 500;
  const keep = options.keep ?? 10_000;
  const A = new Side(a[Symbol.iterator]());
  const B = new Side(b[Symbol.iterator]());
  const out: DiffEntry[] = [];
  let total = 0;
  let aligned = 0;
  const push = (e: DiffEntry | undefined): void => {
    if (e === undefined) return;
    total++;
    if (out.length < keep) out.push(e);
  };
  for (;;) {
    // In step, records are compared as they arrive and dropped at once (none lives long enough to be
    // promoted by the garbage collector); only a divergence reads a window ahead.
    A.fill(1);
    B.fill(1);
    const x = A.queue[0];
    const y = B.queue[0];
    if (x !== undefined && y !== undefined && sameCommand(x, y)) {
      aligned++;
      push(compareAligned(x, y, A.base, B.base));
      A.drop(1);
      B.drop(1);
      continue;
    }
    if (x === undefined && y === undefined) break;
    A.fill(window);
    B.fill(window);
    aligned += alignWindow(A, B, push);
  }
  return { equal: total === 0, aRecords: A.count, bRecords: B.count, aligned, total, first: out[0], differences: out };
}

/** Align the queued windows; drop what was settled. Returns the number of aligned pairs. */
function alignWindow(A: Side, B: Side, push: (e: DiffEntry) => void): number {
  const a = A.queue;
  const b = B.queue;
  const ops = editScript(a, b);
  const last = A.done && B.done ? ops.length - 1 : lastSame(ops);
  const upto = last < 0 ? ops.length - 1 : last;
  let aligned = 0;
  let usedA = 0;
  let usedB = 0;
  for (let k = 0; k <= upto; ) {
    const op = ops[k] as Op;
    if (op.op === 'same') {
      aligned++;
      const e = compareAligned(a[op.i] as TraceRecord, b[op.j] as TraceRecord, A.base + op.i, B.base + op.j);
      if (e !== undefined) push(e);
      usedA = op.i + 1;
      usedB = op.j + 1;
      k++;
      continue;
    }
    const dels: number[] = [];
    const ins: number[] = [];
    for (; k <= upto && (ops[k] as Op).op !== 'same'; k++) {
      const o = ops[k] as Op;
      if (o.op === 'del') dels.push(o.i);
      else if (o.op === 'ins') ins.push(o.j);
    }
    for (let p = 0; p < Math.max(dels.length, ins.length); p++) push(unmatched(A, B, dels[p], ins[p]));
    usedA = Math.max(usedA, (dels[dels.length - 1] ?? -1) + 1);
    usedB = Math.max(usedB, (ins[ins.length - 1] ?? -1) + 1);
  }
  A.drop(usedA);
  B.drop(usedB);
  return aligned;
}

function lastSame(ops: readonly Op[]): number {
  for (let k = ops.length - 1; k >= 0; k--) if ((ops[k] as Op).op === 'same') return k;
  return -1;
}

function unmatched(A: Side, B: Side, i: number | undefined, j: number | undefined): DiffEntry {
  const sa = i === undefined ? undefined : side(A.queue[i] as TraceRecord, A.base + i);
  const sb = j === undefined ? undefined : side(B.queue[j] as TraceRecord, B.base + j);
  if (sa !== undefined && sb !== undefined) return { kind: 'command', a: sa, b: sb, detail: 'different command' };
  if (sa !== undefined) return { kind: 'only-a', a: sa, b: undefined, detail: 'only in A' };
  return { kind: 'only-b', a: undefined, b: sb, detail: 'only in B' };
}

function sideLines(label: string, s: DiffSide | undefined, file: string): string[] {
  if (s === undefined) return [`  ${label} (${file}): —`];
  const out = [`  ${label} ${file}:${s.line} (record ${s.index + 1})`, `      ${s.command === 'reset' ? 'reset' : `=> ${s.command}`}`];
  if (s.response !== undefined) out.push(`      <= ${s.response}`);
  return out;
}

/** Readable report of a diff (`schsm trace diff`). */
export function renderDiff(d: TraceDiff, nameA = 'A', nameB = 'B'): string {
  if (d.equal) return `traces match: ${d.aRecords} record(s) each, masks respected, timing ignored\n`;
  const lines = [`traces differ: ${d.total} difference(s); ${d.aligned} record(s) aligned (A has ${d.aRecords}, B has ${d.bRecords})`];
  d.differences.forEach((e, n) => {
    lines.push('', `${n === 0 ? 'first divergence' : `difference ${n + 1}`}: ${e.kind} — ${e.detail}`);
    lines.push(...sideLines('A', e.a, nameA), ...sideLines('B', e.b, nameB));
  });
  if (d.total > d.differences.length) lines.push('', `… and ${d.total - d.differences.length} more difference(s) not shown`);
  return `${lines.join('\n')}\n`;
}
