// Streamed traces (issue 9 #10): `trace show|import|diff` read a trace record by record. The stream must
// give exactly what the whole-text parser gives, across chunk boundaries, and refuse an endless line.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffRecordStreams } from '../../src/trace/diff.ts';
import { TraceParseError } from '../../src/trace/errors.ts';
import { formatRecord, formatTrace, parseTrace } from '../../src/trace/format.ts';
import { fileLines, openTraceStream, READ_CHUNK } from '../../src/trace/stream.ts';
import { runCliCaptured } from '../helpers/cli.ts';

const FIXTURES = path.resolve('fixtures/traces/sim');

test('every fixture trace streams to the same records, header and trailer as parseTrace', (t) => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.trace'));
  t.true(files.length > 10);
  for (const f of files) {
    const full = path.join(FIXTURES, f);
    const whole = parseTrace(readFileSync(full, 'utf8'), { file: f });
    const stream = openTraceStream(full, { name: f });
    const records = [...stream].map((r) => formatRecord(r));
    t.deepEqual(
      records,
      whole.records.map((r) => formatRecord(r)),
      f,
    );
    t.deepEqual(stream.info.metadata, whole.metadata, f);
    t.deepEqual(stream.info.header, whole.header, f);
    t.deepEqual(stream.info.trailer, whole.trailer, f);
  }
});

test('lines that cross the read chunks arrive whole: a 3 MB line, CRLF, a UTF-8 character split by a chunk', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-stream-'));
  const file = path.join(dir, 'x.txt');
  const pad = 'a'.repeat(READ_CHUNK - 1); // "é" (2 bytes) starts at the last byte of the first chunk
  const long = 'b'.repeat(3_000_000);
  writeFileSync(file, `${pad}é\r\n${long}\nlast`);
  const lines = [...fileLines(file, 'x.txt')];
  t.is(lines.length, 3);
  t.is(lines[0], `${pad}é\r`);
  t.is(lines[1], long);
  t.is(lines[2], 'last');
});

test('a line longer than the limit is a TraceParseError naming the file and the line', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-stream-'));
  const file = path.join(dir, 'x.trace');
  writeFileSync(file, `=> 00 A4 04 00\n<= 90 00\n${'0'.repeat(5000)}\n`);
  const err = t.throws(() => [...fileLines(file, 'x.trace', 4096)], { instanceOf: TraceParseError });
  t.is(err?.line, 3);
  t.regex(err?.message ?? '', /x\.trace:3: line longer than 4 KiB/);
});

test('trace import streams the canonical form that formatTrace writes', async (t) => {
  for (const f of readdirSync(FIXTURES)
    .filter((x) => x.endsWith('.trace'))
    .slice(0, 8)) {
    const r = await runCliCaptured(['trace', 'import', path.join(FIXTURES, f)]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, formatTrace(parseTrace(readFileSync(path.join(FIXTURES, f), 'utf8'))), f);
  }
});

/** A trace of `n` SELECT-like exchanges; `extra` inserts one different exchange after record `at`. */
function records(n: number, extra?: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`=> 00 A4 00 00 02 ${(i >> 8).toString(16).padStart(2, '0')} ${(i & 0xff).toString(16).padStart(2, '0')}\n<= 90 00\n`);
    if (i === extra) out.push('=> 00 84 00 00 08\n<= 01 02 03 04 05 06 07 08 90 00\n');
  }
  return out.join('');
}

test('windowed diff: an exchange inserted far beyond the window is reported once, and the rest still aligns', (t) => {
  const a = parseTrace(records(2000)).records;
  const b = parseTrace(records(2000, 1500)).records;
  const d = diffRecordStreams(a, b, { window: 16 });
  t.is(d.total, 1);
  t.is(d.differences[0]?.kind, 'only-b');
  t.is(d.differences[0]?.b?.index, 1501);
  t.is(d.aligned, 2000);
  t.is(d.aRecords, 2000);
  t.is(d.bRecords, 2001);
});

test('windowed diff keeps the first `keep` differences and counts all of them', (t) => {
  const a = parseTrace(records(300)).records;
  const b = parseTrace(records(300).replace(/<= 90 00/g, '<= 6A 82')).records;
  const d = diffRecordStreams(a, b, { keep: 10 });
  t.is(d.total, 300);
  t.is(d.differences.length, 10);
  t.false(d.equal);
});
