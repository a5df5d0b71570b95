// Trace import + annotation throughput: a generated trace of realistic SmartCard-HSM traffic (the
// exchanges of a PKCS#11 session as in ../shared/traces: SELECTs with FCP, chunked READ BINARY of
// certificates, PIN status and VERIFY, ENUMERATE, ECDSA SIGN, GET CHALLENGE), parsed from text and
// annotated; target ≥ 200,000 exchanges/s (a ratio to it: ≥ 1), median of 5 rounds with the spread. The peer, measured in the same run, is the least a parser
// can do (split lines, Buffer.from(hex), no validation, no annotation), as a Ledger-style RecordStore
// loader would. Also: OpenSC debug log import. Imports ../dist (built by `npm run bench`).
// Run alone: `npm run build && node bench/trace.bench.mjs [exchanges]`.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { median, target } from './lib/figures.mjs';

const spaced = (buf) =>
  Buffer.from(buf)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
const h = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** One PKCS#11-like cycle of 10 exchanges (command, response) with fresh data bytes. */
function cycle() {
  const cert = randomBytes(443);
  const sig = Buffer.concat([h('3044 0220'), randomBytes(32), h('0220'), randomBytes(32)]);
  return [
    [
      '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
      '62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 01 FF 06 06 90 00',
    ],
    ['00 A4 00 00 02 2F 02 00', '62 0E 81 02 01 BB 82 01 01 83 02 2F 02 8A 01 05 90 00'],
    ['00 B1 00 00 04 54 02 00 00 00', `7F 21 82 01 B6 ${spaced(cert.subarray(0, 251))} 90 00`],
    ['00 B1 00 00 04 54 02 01 00 00', `${spaced(cert.subarray(251, 438))} 90 00`],
    ['00 20 00 81', '63 C3'],
    ['00 20 00 81 06 .. .. .. .. .. ..', '90 00'],
    ['80 58 00 00 00 00 00', 'C4 00 CC 00 CC 01 C4 01 CE 01 CC 02 C4 02 CE 02 90 00'],
    ['00 A4 00 00 02 C4 01 00', '62 0E 81 02 00 2F 82 01 01 83 02 C4 01 8A 01 05 90 00'],
    [`80 68 01 73 00 00 20 ${spaced(randomBytes(32))} 02 00`, `${spaced(sig)} 90 00`],
    ['00 84 00 00 08', '.. .. .. .. .. .. .. .. 90 00'],
  ];
}

/** Trace text of `n` exchanges (16 distinct cycles repeated, so generation stays cheap). */
function generate(n) {
  const cycles = Array.from({ length: 16 }, cycle);
  const parts = ['# trace-format: 1\n# reader: bench\n\n'];
  for (let i = 0; i < n; i++) {
    const [c, r] = cycles[(i / 10) & 15][i % 10];
    parts.push(`=> ${c}\n<= ${r} @0.${(i % 900) + 100}ms\n`);
  }
  return parts.join('');
}

/** OpenSC 0.23 debug log text of `n` exchanges of the same traffic (masks replaced by bytes). */
function generateOpensc(n) {
  const cycles = Array.from({ length: 4 }, cycle);
  const parts = [];
  const dump = (hex) => {
    const b = h(hex.replace(/\.\./g, '31'));
    const lines = [];
    for (let o = 0; o < b.length; o += 16) {
      const row = b.subarray(o, o + 16);
      const hx = `${spaced(row)} `;
      lines.push(
        `${b.length > 16 ? hx.padEnd(48) : hx}${[...row].map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : '.')).join('')}`,
      );
    }
    return { len: b.length, text: lines.join('\n') };
  };
  for (let i = 0; i < n; i++) {
    const [c, r] = cycles[(i / 10) & 3][i % 10];
    const dc = dump(c);
    const dr = dump(r);
    parts.push(`P:1; T:0x1 06:44:10.065 [bench] reader-pcsc.c:326:pcsc_transmit: \nOutgoing APDU (${dc.len} bytes):\n${dc.text}\n\n`);
    parts.push(`P:1; T:0x1 06:44:10.066 [bench] reader-pcsc.c:335:pcsc_transmit: \nIncoming APDU (${dr.len} bytes):\n${dr.text}\n\n`);
  }
  return parts.join('');
}

/** The least a parser can do: split, slice, Buffer.from(hex). No masks, no checks, no annotation. */
function naiveParse(text) {
  const out = [];
  let cmd;
  for (const line of text.split('\n')) {
    if (line.startsWith('=> ')) cmd = Buffer.from(line.slice(3).replace(/ /g, ''), 'hex');
    else if (line.startsWith('<= ')) out.push([cmd, Buffer.from(line.slice(3, line.indexOf('@') - 1).replace(/ |\.\./g, ''), 'hex')]);
  }
  return out;
}

function time(fn) {
  const t0 = performance.now();
  const result = fn();
  return [performance.now() - t0, result];
}

const rate = (n, ms) => Math.round((n * 1000) / ms);
const fmt = (x) => x.toLocaleString('en-US');

const ROUNDS = 5;
const TARGET = 200_000;

export default async function traceBench(options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const n = options.exchanges ?? 200_000;
  const trace = await import('../dist/trace/index.js');
  log(`# APDU traces: import + annotate (${fmt(n)} generated exchanges per round, ${ROUNDS} interleaved rounds with the peer)`);
  const text = generate(n);
  log(`trace text: ${(text.length / 1e6).toFixed(1)} MB`);
  // Warm up the JIT on a slice; then each round times schsm (parse + annotate) and the naive peer on
  // the same text, the order alternating, so a load change on the machine hits both alike.
  trace.annotate(trace.parseTrace(generate(20_000)));
  naiveParse(generate(20_000));
  const rounds = [];
  let annotations;
  for (let round = 0; round < ROUNDS; round++) {
    const r = {};
    const schsm = () => {
      const cpu0 = process.cpuUsage();
      const [parseMs, parsed] = time(() => trace.parseTrace(text));
      const [annotateMs, annotated] = time(() => trace.annotate(parsed));
      const cpu = process.cpuUsage(cpu0);
      r.cpuMs = (cpu.user + cpu.system) / 1000;
      if (parsed.records.length !== n || annotated.length !== n)
        throw new Error(`bench: parsed ${parsed.records.length}, annotated ${annotated.length}, expected ${n}`);
      annotations = annotated;
      return { parseMs, annotateMs };
    };
    const peer = () => time(() => naiveParse(text))[0];
    if (round % 2 === 0) {
      Object.assign(r, schsm());
      r.naiveMs = peer();
    } else {
      r.naiveMs = peer();
      Object.assign(r, schsm());
    }
    rounds.push(r);
  }
  const both = rounds.map((r) => rate(n, r.parseMs + r.annotateMs));
  const parse = rounds.map((r) => rate(n, r.parseMs));
  const annotate = rounds.map((r) => rate(n, r.annotateMs));
  const naive = rounds.map((r) => rate(n, r.naiveMs));
  const med = (xs) => Math.round(median(xs));
  const range = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
  log(`parse ${fmt(med(parse))}/s (${range(parse)}), annotate ${fmt(med(annotate))}/s (${range(annotate)})`);
  const perCpu = rounds.map((r) => rate(n, r.cpuMs));
  log(
    `import + annotate: ${fmt(med(both))} exchanges/s of wall time (${range(both)}); ${fmt(med(perCpu))} per CPU second of this process (${range(perCpu)}), which a loaded machine slows less`,
  );
  const v = target(
    `import + annotate / ${fmt(TARGET)} exchanges/s`,
    both.map((x) => x / TARGET),
    1,
    { max: false },
  );
  log(v.line);
  log(
    `peer, naive split + Buffer.from(hex) parse only: ${fmt(med(naive))}/s (${range(naive)}); schsm parse+annotate / naive parse: ${median(rounds.map((r) => r.naiveMs / (r.parseMs + r.annotateMs))).toFixed(2)} (median of the rounds' ratios)`,
  );
  // Annotation decodes names, class, P1/P2, lengths, status words and data fields; the hex text and
  // TLV trees are produced when rendered, so rendering (what `schsm trace show` prints) is timed too.
  const r = Math.min(n, 100_000);
  const [renderMs, chars] = time(() => {
    let total = 0;
    for (let i = 0; i < r; i++) total += trace.renderAnnotation(annotations[i]).length;
    return total;
  });
  log(`render to text: ${fmt(rate(r, renderMs))} exchanges/s (${fmt(r)} exchanges, ${(chars / 1e6).toFixed(1)} MB of text)`);
  const m = Math.min(n, 100_000);
  const opensc = generateOpensc(m);
  const [openscMs, imported] = time(() => trace.importLog(opensc));
  if (trace.exchangesOf(imported).length !== m) throw new Error('bench: OpenSC import lost exchanges');
  log(
    `OpenSC debug log import (with redaction): ${fmt(rate(m, openscMs))} exchanges/s (${(opensc.length / 1e6).toFixed(1)} MB, ${fmt(m)} exchanges)`,
  );
  return {
    figures: [v.figure],
    exchanges: n,
    importAnnotatePerSecond: med(both),
    parsePerSecond: med(parse),
    annotatePerSecond: med(annotate),
    renderPerSecond: rate(r, renderMs),
    naiveParsePerSecond: med(naive),
    openscImportPerSecond: rate(m, openscMs),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await traceBench(process.argv[2] === undefined ? {} : { exchanges: Number(process.argv[2]) });
