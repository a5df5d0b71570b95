import type { CommandCase } from '../apdu/command.ts';
import { hex2, hex4 } from '../apdu/hex.ts';
import { INS_NAMES } from '../apdu/ins.ts';
import { describeStatusWord, formatSw, retriesLeft } from '../apdu/status-words.ts';
import { decodeCommandData, decodeResponseData, type DataAnnotation } from './decode-data.ts';
import { describeCla, type ClaInfo } from './ins-names.ts';
import { describeParams } from './params.ts';
import { formatPattern, type HexPattern } from './pattern.ts';
import type { Trace, TraceExchange, TraceReset } from './types.ts';

/**
 * The annotator: what each exchange of a trace means — instruction, class byte, P1/P2, length form,
 * decoded data, status word. A structured, `kind`-discriminated result (what `--json` prints) and
 * render.ts for text. Built for long traces: one pass, no exceptions on the normal path, data decoded
 * from views into the trace's bytes.
 */

export interface LengthInfo {
  /** ISO 7816-4 case, or 'malformed' when the length bytes do not fit the APDU's size. */
  readonly case: CommandCase | 'malformed';
  readonly form: 'short' | 'extended' | undefined;
  /** Nc (data bytes) and Ne (expected response bytes; 0 = none, 256/65536 for Le 00/0000). */
  readonly nc: number;
  readonly ne: number;
  readonly dataStart: number;
  /** "case 4S · Lc 0B (Nc 11) · Le 00 (Ne 256)". */
  readonly text: string;
}

export interface CommandAnnotation {
  /** The recorded command (render or `annotationJson` for its hex). */
  readonly pattern: HexPattern;
  readonly cla: ClaInfo;
  readonly ins: number;
  readonly name: string;
  readonly p1: number;
  readonly p2: number;
  readonly params: string;
  readonly lengths: LengthInfo;
  readonly data: DataAnnotation | undefined;
  /** Masked (`..`) bytes in the recorded command; `*` present. */
  readonly masked: number;
  readonly variable: boolean;
}

export interface ResponseAnnotation {
  /** The recorded response. */
  readonly pattern: HexPattern;
  readonly sw: string;
  readonly swName: string;
  readonly meaning: string;
  readonly success: boolean;
  /** 63Cx: x. */
  readonly retriesLeft: number | undefined;
  readonly dataLength: number;
  readonly data: DataAnnotation | undefined;
  readonly masked: number;
  readonly variable: boolean;
}

export interface ExchangeAnnotation {
  readonly kind: 'exchange';
  /** 1-based number of the exchange in the trace. */
  readonly number: number;
  readonly line: number;
  readonly responseLine: number;
  readonly durationMs: number | undefined;
  readonly note: string | undefined;
  readonly comments: readonly string[] | undefined;
  readonly command: CommandAnnotation;
  readonly response: ResponseAnnotation;
}

export interface ResetAnnotation {
  readonly kind: 'reset';
  readonly line: number;
  readonly atr: string | undefined;
  readonly comments: readonly string[] | undefined;
}

export type Annotation = ExchangeAnnotation | ResetAnnotation;

const CASE_INDEX: Readonly<Record<string, number>> = { '1': 1, '2S': 2, '3S': 3, '4S': 4, '2E': 5, '3E': 6, '4E': 7 };
const lengthCache = new Map<number, LengthInfo>();

/** One LengthInfo per (case, Nc, Ne): traces repeat the same few shapes, so the text is built once. */
function shaped(kase: CommandCase, nc: number, ne: number): LengthInfo {
  const key = (CASE_INDEX[kase] ?? 0) * 2 ** 34 + nc * 2 ** 17 + ne;
  let info = lengthCache.get(key);
  if (info === undefined) {
    if (lengthCache.size > 100_000) lengthCache.clear();
    const form = kase === '1' ? undefined : kase.endsWith('E') ? 'extended' : 'short';
    info = { case: kase, form, nc, ne, dataStart: form === 'extended' ? 7 : 5, text: lengthText(kase, nc, ne) };
    lengthCache.set(key, info);
  }
  return info;
}

function lengthText(kase: CommandCase, nc: number, ne: number): string {
  const h4 = (v: number): string => {
    const s = hex4(v & 0xffff);
    return `${s.slice(0, 2)} ${s.slice(2)}`;
  };
  const lc = kase.endsWith('E') ? `Lc 00 ${h4(nc)} (Nc ${nc})` : `Lc ${hex2(nc)} (Nc ${nc})`;
  const le =
    kase === '2E' ? `Le 00 ${h4(ne)} (Ne ${ne})` : kase.endsWith('E') ? `Le ${h4(ne)} (Ne ${ne})` : `Le ${hex2(ne & 0xff)} (Ne ${ne})`;
  switch (kase) {
    case '1':
      return 'case 1 (no data, no Le)';
    case '2S':
    case '2E':
      return `case ${kase} · ${le}`;
    case '3S':
    case '3E':
      return `case ${kase} · ${lc}`;
    default:
      return `case ${kase} · ${lc} · ${le}`;
  }
}

function malformed(form: 'short' | 'extended' | undefined, dataStart: number, text: string): LengthInfo {
  return { case: 'malformed', form, nc: 0, ne: 0, dataStart, text: `malformed: ${text}` };
}

/** Lc/Le analysis of a command APDU (ISO 7816-4 §5.1; docs/protocol.md §1.1), without copying. */
export function lengthInfo(b: Uint8Array): LengthInfo {
  const n = b.length;
  if (n < 4) return malformed(undefined, n, `${n} byte(s), a command needs CLA INS P1 P2`);
  if (n === 4) return shaped('1', 0, 0);
  const b4 = b[4] ?? 0;
  if (n === 5) return shaped('2S', 0, b4 === 0 ? 256 : b4);
  if (b4 !== 0) {
    if (n === 5 + b4) return shaped('3S', b4, 0);
    const le = b[n - 1] ?? 0;
    if (n === 6 + b4) return shaped('4S', b4, le === 0 ? 256 : le);
    return malformed('short', 5, `short Lc ${b4} but ${n - 5} byte(s) follow`);
  }
  if (n < 7) return malformed(undefined, n, `${n} bytes with 00 at offset 4`);
  const w = ((b[5] ?? 0) << 8) | (b[6] ?? 0);
  if (n === 7) return shaped('2E', 0, w === 0 ? 65536 : w);
  if (w !== 0 && n === 7 + w) return shaped('3E', w, 0);
  if (w !== 0 && n === 9 + w) {
    const le = ((b[n - 2] ?? 0) << 8) | (b[n - 1] ?? 0);
    return shaped('4E', w, le === 0 ? 65536 : le);
  }
  return malformed('extended', 7, `extended Lc ${w} but ${n - 7} byte(s) follow`);
}

function countMasked(p: HexPattern, from: number, to: number): number {
  const m = p.masked;
  if (m === undefined) return 0;
  let c = 0;
  for (let i = from; i < to; i++) c += m[i] ?? 0;
  return c;
}

/** Annotate one command APDU pattern. */
export function annotateCommand(p: HexPattern): CommandAnnotation {
  const b = p.bytes;
  const ins = b[1] ?? 0;
  const p1 = b[2] ?? 0;
  const p2 = b[3] ?? 0;
  const variable = p.stars !== undefined;
  const lengths = variable ? VARIABLE : lengthInfo(b);
  const dataEnd = lengths.dataStart + lengths.nc;
  const masked = p.masked === undefined ? 0 : countMasked(p, 0, b.length);
  return {
    pattern: p,
    cla: describeCla(b[0] ?? 0),
    ins,
    name: INS_NAMES[ins] ?? `unknown instruction ${hex2(ins)}`,
    p1,
    p2,
    params: describeParams(ins, p1, p2, lengths.nc),
    lengths,
    data:
      lengths.nc > 0
        ? decodeCommandData(
            ins,
            p1,
            new Uint8Array(b.buffer, b.byteOffset + lengths.dataStart, lengths.nc),
            masked === 0 ? 0 : countMasked(p, lengths.dataStart, dataEnd),
          )
        : undefined,
    masked,
    variable,
  };
}

const VARIABLE: LengthInfo = {
  case: 'malformed',
  form: undefined,
  nc: 0,
  ne: 0,
  dataStart: 0,
  text: 'variable length (the recording has "*")',
};

interface SwInfo {
  readonly text: string;
  readonly name: string;
  readonly meaning: string;
  readonly success: boolean;
  readonly retriesLeft: number | undefined;
}

const swCache = new Map<number, SwInfo>();

function swInfo(sw: number): SwInfo {
  let info = swCache.get(sw);
  if (info === undefined) {
    const d = describeStatusWord(sw);
    info = { text: formatSw(sw), name: d.name, meaning: d.meaning, success: d.success, retriesLeft: retriesLeft(sw) };
    swCache.set(sw, info);
  }
  return info;
}

/** Annotate a response APDU pattern, given the instruction it answers. */
export function annotateResponse(p: HexPattern, ins: number): ResponseAnnotation {
  const b = p.bytes;
  const n = b.length;
  const swMasked = p.masked !== undefined && countMasked(p, n - 2, n) > 0;
  const info = swMasked ? undefined : swInfo((((b[n - 2] ?? 0) << 8) | (b[n - 1] ?? 0)) >>> 0);
  const variable = p.stars !== undefined;
  const dataMasked = p.masked === undefined ? 0 : countMasked(p, 0, n - 2);
  return {
    pattern: p,
    sw: info?.text ?? formatPattern({ bytes: b.subarray(n - 2), masked: p.masked?.subarray(n - 2), stars: undefined }, ''),
    swName: info?.name ?? 'MASKED',
    meaning: info?.meaning ?? 'status word masked in the recording',
    success: info?.success ?? false,
    retriesLeft: info?.retriesLeft,
    dataLength: n - 2,
    data: n > 2 && !variable ? decodeResponseData(ins, new Uint8Array(b.buffer, b.byteOffset, n - 2), dataMasked) : undefined,
    masked: dataMasked,
    variable,
  };
}

/**
 * Annotations of repeated exchanges, shared. A trace repeats the same commands and responses byte for
 * byte (SELECTs, PIN status queries, reads of the same offsets, status-word-only answers), and an
 * annotation is a function of its pattern alone (of the pattern and the instruction it answers, for a
 * response), so those exchanges get one annotation object instead of a fresh tree each. Only patterns
 * without `*` of at most CACHE_MAX_BYTES bytes are cached, in a direct-mapped table of CACHE_SLOTS
 * entries (bounded memory, no eviction bookkeeping); an entry is made on the second sighting of a hash
 * in its slot, so one-off exchanges (fresh hashes to sign) cost no copy. The cached annotation is built
 * from a private copy of the pattern, so the table never keeps a trace's parse arena alive. Output is
 * unchanged: a hit is a content-equal pattern. The tables of keys and annotations (64 KB each) are
 * made at their first entry, not when the module loads: `schsm apdu` annotates one or two exchanges,
 * and allocating them, then copying them in its start's young-generation collections, cost it ~0.5 ms
 * (issue 11 item 3).
 */
const CACHE_SLOTS = 4096;
const CACHE_MAX_BYTES = 64;

interface Table<V> {
  readonly keys: (HexPattern | undefined)[];
  readonly values: (V | undefined)[];
}

const newTable = <V>(): Table<V> => ({
  keys: new Array<HexPattern | undefined>(CACHE_SLOTS).fill(undefined),
  values: new Array<V | undefined>(CACHE_SLOTS).fill(undefined),
});

let commands: Table<CommandAnnotation> | undefined;
const commandSeen = new Int32Array(CACHE_SLOTS);
let responses: Table<ResponseAnnotation> | undefined;
const responseIns = new Int32Array(CACHE_SLOTS);
const responseSeen = new Int32Array(CACHE_SLOTS);

/** FNV-1a over the bytes and mask flags, seeded; never 0 (0 marks an empty `seen` slot). */
function patternHash(p: HexPattern, seed: number): number {
  const b = p.bytes;
  const m = p.masked;
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  if (m !== undefined) for (let i = 0; i < m.length; i++) h = Math.imul(h ^ ((m[i] as number) + 0x100), 0x01000193);
  return h === 0 ? 1 : h;
}

function samePattern(a: HexPattern, b: HexPattern): boolean {
  const x = a.bytes;
  const y = b.bytes;
  if (x.length !== y.length || a.stars !== undefined || b.stars !== undefined) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  const mx = a.masked;
  const my = b.masked;
  if (mx === undefined || my === undefined) return mx === my;
  for (let i = 0; i < mx.length; i++) if (mx[i] !== my[i]) return false;
  return true;
}

function copyPattern(p: HexPattern): HexPattern {
  return { bytes: Uint8Array.from(p.bytes), masked: p.masked === undefined ? undefined : Uint8Array.from(p.masked), stars: undefined };
}

const cacheable = (p: HexPattern): boolean => p.stars === undefined && p.bytes.length <= CACHE_MAX_BYTES;

function cachedCommand(p: HexPattern): CommandAnnotation {
  if (!cacheable(p)) return annotateCommand(p);
  const h = patternHash(p, 0);
  const slot = h & (CACHE_SLOTS - 1);
  const table = commands;
  const key = table?.keys[slot];
  if (table !== undefined && key !== undefined && (key === p || samePattern(key, p))) return table.values[slot] as CommandAnnotation;
  if (commandSeen[slot] !== h) {
    commandSeen[slot] = h;
    return annotateCommand(p);
  }
  const copy = copyPattern(p);
  const a = annotateCommand(copy);
  commands ??= newTable();
  commands.keys[slot] = copy;
  commands.values[slot] = a;
  return a;
}

function cachedResponse(p: HexPattern, ins: number): ResponseAnnotation {
  if (!cacheable(p)) return annotateResponse(p, ins);
  const h = patternHash(p, ins + 1);
  const slot = h & (CACHE_SLOTS - 1);
  const table = responses;
  const key = table?.keys[slot];
  if (table !== undefined && key !== undefined && responseIns[slot] === ins && (key === p || samePattern(key, p)))
    return table.values[slot] as ResponseAnnotation;
  if (responseSeen[slot] !== h) {
    responseSeen[slot] = h;
    return annotateResponse(p, ins);
  }
  const copy = copyPattern(p);
  const a = annotateResponse(copy, ins);
  responses ??= newTable();
  responses.keys[slot] = copy;
  responses.values[slot] = a;
  responseIns[slot] = ins;
  return a;
}

/** Annotate one exchange; `number` is its 1-based position among the exchanges. */
export function annotateExchange(rec: TraceExchange, number: number): ExchangeAnnotation {
  const command = cachedCommand(rec.command);
  return {
    kind: 'exchange',
    number,
    line: rec.line,
    responseLine: rec.responseLine,
    durationMs: rec.durationMs,
    note: rec.note,
    comments: rec.comments,
    command,
    response: cachedResponse(rec.response, command.ins),
  };
}

/** The annotation of a reset record (its ATR, when the trace has it). */
export function annotateReset(rec: TraceReset): ResetAnnotation {
  return {
    kind: 'reset',
    line: rec.line,
    atr: rec.atr === undefined ? undefined : formatPattern({ bytes: rec.atr, masked: undefined, stars: undefined }),
    comments: rec.comments,
  };
}

/** Annotate every record of a trace. */
export function annotate(trace: Trace): Annotation[] {
  const out: Annotation[] = new Array<Annotation>(trace.records.length);
  let number = 0;
  for (let i = 0; i < trace.records.length; i++) {
    const r = trace.records[i] as TraceExchange | TraceReset;
    out[i] = r.kind === 'exchange' ? annotateExchange(r, ++number) : annotateReset(r);
  }
  return out;
}
