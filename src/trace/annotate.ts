import type { CommandCase } from '../apdu/command.ts';
import { describeStatusWord, formatSw, retriesLeft } from '../apdu/status-words.ts';
import { decodeCommandData, decodeResponseData, type DataAnnotation } from './decode-data.ts';
import { describeCla, hex2, INS_NAMES, type ClaInfo } from './ins-names.ts';
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
  readonly hex: string;
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
  readonly hex: string;
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

/** Lc/Le analysis of a command APDU (ISO 7816-4 §5.1; sc-hsm-protocol.md §1.1), without copying. */
export function lengthInfo(b: Uint8Array): LengthInfo {
  const n = b.length;
  if (n < 4) return { case: 'malformed', form: undefined, nc: 0, ne: 0, dataStart: n, text: `malformed: ${n} byte(s), a command needs CLA INS P1 P2` };
  if (n === 4) return { case: '1', form: undefined, nc: 0, ne: 0, dataStart: 4, text: 'case 1 (no data, no Le)' };
  const b4 = b[4] ?? 0;
  if (n === 5) return { case: '2S', form: 'short', nc: 0, ne: b4 === 0 ? 256 : b4, dataStart: 5, text: `case 2S · Le ${hex2(b4)} (Ne ${b4 === 0 ? 256 : b4})` };
  if (b4 !== 0) {
    const lc = `Lc ${hex2(b4)} (Nc ${b4})`;
    if (n === 5 + b4) return { case: '3S', form: 'short', nc: b4, ne: 0, dataStart: 5, text: `case 3S · ${lc}` };
    const le = b[n - 1] ?? 0;
    if (n === 6 + b4) return { case: '4S', form: 'short', nc: b4, ne: le === 0 ? 256 : le, dataStart: 5, text: `case 4S · ${lc} · Le ${hex2(le)} (Ne ${le === 0 ? 256 : le})` };
    return { case: 'malformed', form: 'short', nc: 0, ne: 0, dataStart: 5, text: `malformed: short Lc ${b4} but ${n - 5} byte(s) follow` };
  }
  if (n < 7) return { case: 'malformed', form: undefined, nc: 0, ne: 0, dataStart: n, text: `malformed: ${n} bytes with 00 at offset 4` };
  const w = ((b[5] ?? 0) << 8) | (b[6] ?? 0);
  const w4 = w.toString(16).toUpperCase().padStart(4, '0');
  if (n === 7) return { case: '2E', form: 'extended', nc: 0, ne: w === 0 ? 65536 : w, dataStart: 7, text: `case 2E · Le 00 ${w4.slice(0, 2)} ${w4.slice(2)} (Ne ${w === 0 ? 65536 : w})` };
  const lc = `Lc 00 ${w4.slice(0, 2)} ${w4.slice(2)} (Nc ${w})`;
  if (w !== 0 && n === 7 + w) return { case: '3E', form: 'extended', nc: w, ne: 0, dataStart: 7, text: `case 3E · ${lc}` };
  if (w !== 0 && n === 9 + w) {
    const le = ((b[n - 2] ?? 0) << 8) | (b[n - 1] ?? 0);
    const le4 = le.toString(16).toUpperCase().padStart(4, '0');
    return { case: '4E', form: 'extended', nc: w, ne: le === 0 ? 65536 : le, dataStart: 7, text: `case 4E · ${lc} · Le ${le4.slice(0, 2)} ${le4.slice(2)} (Ne ${le === 0 ? 65536 : le})` };
  }
  return { case: 'malformed', form: 'extended', nc: 0, ne: 0, dataStart: 7, text: `malformed: extended Lc ${w} but ${n - 7} byte(s) follow` };
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
  const cla = b[0] ?? 0;
  const ins = b[1] ?? 0;
  const p1 = b[2] ?? 0;
  const p2 = b[3] ?? 0;
  const variable = p.stars !== undefined;
  const lengths = variable
    ? ({ case: 'malformed', form: undefined, nc: 0, ne: 0, dataStart: b.length, text: 'variable length (the recording has "*")' } as const)
    : lengthInfo(b);
  const dataEnd = lengths.dataStart + lengths.nc;
  const masked = countMasked(p, 0, b.length);
  return {
    hex: formatPattern(p),
    cla: describeCla(cla),
    ins,
    name: INS_NAMES[ins] ?? `unknown instruction ${hex2(ins)}`,
    p1,
    p2,
    params: describeParams(ins, p1, p2, lengths.nc),
    lengths,
    data: lengths.nc > 0 ? decodeCommandData(ins, p1, b.subarray(lengths.dataStart, dataEnd), countMasked(p, lengths.dataStart, dataEnd)) : undefined,
    masked,
    variable,
  };
}

/** Annotate a response APDU pattern, given the instruction it answers. */
export function annotateResponse(p: HexPattern, ins: number): ResponseAnnotation {
  const b = p.bytes;
  const n = b.length;
  const sw = (((b[n - 2] ?? 0) << 8) | (b[n - 1] ?? 0)) >>> 0;
  const swMasked = countMasked(p, n - 2, n) > 0;
  const info = describeStatusWord(sw);
  const variable = p.stars !== undefined;
  const dataMasked = countMasked(p, 0, n - 2);
  return {
    hex: formatPattern(p),
    sw: swMasked ? formatPattern({ bytes: b.subarray(n - 2), masked: p.masked?.subarray(n - 2), stars: undefined }, '') : formatSw(sw),
    swName: swMasked ? 'MASKED' : info.name,
    meaning: swMasked ? 'status word masked in the recording' : info.meaning,
    success: !swMasked && info.success,
    retriesLeft: swMasked ? undefined : retriesLeft(sw),
    dataLength: n - 2,
    data: n > 2 && !variable ? decodeResponseData(ins, b.subarray(0, n - 2), dataMasked) : undefined,
    masked: dataMasked,
    variable,
  };
}

/** Annotate one exchange; `number` is its 1-based position among the exchanges. */
export function annotateExchange(rec: TraceExchange, number: number): ExchangeAnnotation {
  const command = annotateCommand(rec.command);
  return {
    kind: 'exchange',
    number,
    line: rec.line,
    responseLine: rec.responseLine,
    durationMs: rec.durationMs,
    note: rec.note,
    comments: rec.comments,
    command,
    response: annotateResponse(rec.response, command.ins),
  };
}

function annotateReset(rec: TraceReset): ResetAnnotation {
  return { kind: 'reset', line: rec.line, atr: rec.atr === undefined ? undefined : formatPattern({ bytes: rec.atr, masked: undefined, stars: undefined }), comments: rec.comments };
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
