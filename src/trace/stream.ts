/**
 * Traces read as a stream: `trace show`, `trace import` and `trace diff` hold a few records at a time,
 * never the file, so a 1 GB trace passes through in bounded memory. The file is read in 64 KiB chunks
 * (synchronously: the parser and the importers are synchronous) and split into lines; a line longer
 * than INPUT_LIMITS.traceLine is an error (a trace line holds one APDU, a 65,538-byte response is
 * about 197 kB of hex), which also stops /dev/zero and /dev/urandom at the first megabytes.
 * Foreign logs (OpenSC, pcsc-spy, scriptor) are read whole, up to INPUT_LIMITS.traceInMemory: pcsc-spy
 * logs must be read to their end before their threads can be put in order.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { formatLimit, INPUT_LIMITS } from '../transport/bounded-read.ts';
import { TraceParseError } from './errors.ts';
import { TraceParser } from './format.ts';
import { detectLogFormat, type LogFormat } from './import/index.ts';
import { loadTraceFile, type LoadTraceOptions } from './load.ts';
import type { TraceRecord } from './types.ts';

/**
 * Bytes read at a time. Small on purpose: the strings made from a chunk then live in V8's young
 * generation and die young; 1 MiB chunks went to the large-object space, which only a full GC frees
 * (measured: peak RSS of `trace diff` on a 64 MiB trace 174 MB with 1 MiB chunks, 133 MB with 64 KiB).
 */
export const READ_CHUNK = 64 * 1024;
const CHUNK = READ_CHUNK;

/** Lines (without LF) of the file at `path`, read in chunks; `name` is the file for errors. */
export function* fileLines(path: string, name: string, maxLine: number = INPUT_LIMITS.traceLine): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(CHUNK);
    const decoder = new TextDecoder('utf-8');
    let carry = '';
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      const text = carry + (n === 0 ? decoder.decode() : decoder.decode(buf.subarray(0, n), { stream: true }));
      let pos = 0;
      for (let eol = text.indexOf('\n'); eol >= 0; eol = text.indexOf('\n', pos)) {
        lineNo++;
        if (eol - pos > maxLine) throw tooLong(maxLine, lineNo, name);
        yield text.slice(pos, eol);
        pos = eol + 1;
      }
      carry = pos === 0 ? text : text.slice(pos);
      if (carry.length > maxLine) throw tooLong(maxLine, lineNo + 1, name);
      if (n === 0) break;
    }
    yield carry;
  } finally {
    closeSync(fd);
  }
}

function tooLong(maxLine: number, lineNo: number, name: string): TraceParseError {
  return new TraceParseError(`line longer than ${formatLimit(maxLine)}: a trace line holds one APDU`, lineNo, name);
}

/** What a streamed trace says about itself; complete once its records have been read. */
export interface TraceStreamInfo {
  readonly format: LogFormat;
  metadata: Readonly<Record<string, string>>;
  header: readonly string[];
  trailer: readonly string[];
}

export interface TraceStream extends Iterable<TraceRecord> {
  /** Metadata and header are known when the first record arrives (or the iteration ends). */
  readonly info: TraceStreamInfo;
}

/** The format of a file, from its first chunk (undefined when none fits). */
function sniff(path: string): LogFormat | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, null);
    return detectLogFormat(new TextDecoder().decode(buf.subarray(0, n)));
  } finally {
    closeSync(fd);
  }
}

/**
 * Open a trace or log for reading record by record. A schsm trace is streamed (as loaded, without
 * redaction: it was redacted when written); any other log is imported whole and redacted as
 * `loadTraceFile` does. Iterate once.
 */
export function openTraceStream(path: string, options: LoadTraceOptions = {}): TraceStream {
  const name = options.name ?? path;
  const format = options.format ?? sniff(path);
  if (format !== 'schsm') {
    const trace = loadTraceFile(path, options);
    const info: TraceStreamInfo = { format: format ?? 'schsm', metadata: trace.metadata, header: trace.header, trailer: trace.trailer };
    return { info, [Symbol.iterator]: () => trace.records[Symbol.iterator]() };
  }
  const info: TraceStreamInfo = { format, metadata: {}, header: [], trailer: [] };
  return { info, [Symbol.iterator]: () => streamSchsm(path, name, info) };
}

function* streamSchsm(path: string, name: string, info: TraceStreamInfo): Generator<TraceRecord> {
  const parser = new TraceParser('', name);
  const queue: TraceRecord[] = [];
  parser.onRecord = (r) => queue.push(r);
  let lineNo = 0;
  let headerSeen = false;
  const publishHeader = (): void => {
    headerSeen = true;
    parser.checkVersion();
    info.metadata = parser.metadata;
    info.header = parser.header;
  };
  for (const line of fileLines(path, name)) {
    parser.feedLine(line, ++lineNo);
    if (!headerSeen && parser.headerDone) publishHeader();
    while (queue.length > 0) yield queue.shift() as TraceRecord;
  }
  parser.finish();
  if (!headerSeen) publishHeader();
  info.trailer = parser.comments ?? [];
}
