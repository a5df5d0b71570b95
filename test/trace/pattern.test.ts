import test from 'ava';
import { fillPattern, formatPattern, matchesPattern, maskRanges, parsePattern, patternsCompatible } from '../../src/trace/pattern.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

const MATCHES: readonly [string, string, boolean][] = [
  ['00 A4 04 00', '00A40400', true],
  ['00 A4 04 00', '00A40401', false],
  ['00 A4 04 00', '00A4040000', false],
  ['00 20 00 81 06 .. .. .. .. .. ..', '0020008106363438323139', true],
  ['00 20 00 81 06 .. .. .. .. .. ..', '00200081083634383231393939', false],
  ['80 68 01 73 * 02 00', '8068017300002011223302 00', true],
  ['80 68 01 73 * 02 00', '80680173 0200', true], // * matches zero bytes
  ['80 68 01 73 * 02 00', '8068017302', false], // too short for both ends
  ['* 90 00', '9000', true],
  ['* 90 00', '3045022100AA9000', true],
  ['* 90 00', '30450221006982', false],
  ['30 * 02 * 90 00', '3006020101020102 9000', true],
  ['30 * 02 * 90 00', '3006030101030103 9000', false],
  ['30 * .. 02 * 90 00', '30AA02 9000', true],
  ['30 * .. 02 * 90 00', '3002 9000', false],
];

for (const [p, bytes, expected] of MATCHES) {
  test(`"${p}" ${expected ? 'matches' : 'does not match'} ${bytes}`, (t) => {
    t.is(matchesPattern(parsePattern(p), hex(bytes)), expected);
  });
}

test('format writes upper-case bytes, masks and stars in place', (t) => {
  t.is(formatPattern(parsePattern('00a4 ..* 9000 *')), '00 A4 .. * 90 00 *');
  t.is(formatPattern(parsePattern('00a4..9000'), ''), '00A4..9000');
});

test('fill: zero by default, random on request, stars contribute nothing', (t) => {
  const p = parsePattern('01 .. .. * 90 00');
  t.deepEqual([...fillPattern(p)], [0x01, 0, 0, 0x90, 0x00]);
  const r = fillPattern(parsePattern(`${'.. '.repeat(64)}90 00`), 'random');
  t.is(r.length, 66);
  t.deepEqual([...r.subarray(64)], [0x90, 0x00]);
  t.true(r.subarray(0, 64).some((b) => b !== 0)); // 64 random bytes all zero: probability 2^-512
  // longer than one Web Crypto call gives (65536 bytes): the bytes past it are random too
  const long = fillPattern(parsePattern(`${'.. '.repeat(70_000)}90 00`), 'random');
  t.is(long.length, 70_002);
  t.true(long.subarray(65_536, 70_000).some((b) => b !== 0));
  t.deepEqual([...long.subarray(70_000)], [0x90, 0x00]);
});

test('maskRanges hides bytes and keeps the length', (t) => {
  const p = maskRanges(parsePattern('00 20 00 81 06 36 34 38 32 31 39'), [{ start: 5, end: 11 }]);
  t.is(formatPattern(p), '00 20 00 81 06 .. .. .. .. .. ..');
});

test('compatibility for diff: masks on either side, stars on one or both sides', (t) => {
  t.true(patternsCompatible(parsePattern('00 20 00 81 02 .. ..'), parsePattern('00 20 00 81 02 31 32')));
  t.false(patternsCompatible(parsePattern('00 20 00 81 02 .. ..'), parsePattern('00 20 00 88 02 31 32')));
  t.true(patternsCompatible(parsePattern('* 90 00'), parsePattern('30 02 01 00 90 00')));
  t.false(patternsCompatible(parsePattern('* 90 00'), parsePattern('30 02 01 00 69 82')));
  t.true(patternsCompatible(parsePattern('30 * 90 00'), parsePattern('30 01 * 90 00')));
  t.false(patternsCompatible(parsePattern('31 * 90 00'), parsePattern('30 01 * 90 00')));
});

test('repeated lines: the same bytes give equal patterns, and 00 is never confused with .. nor a prefix with the whole', (t) => {
  const lines = ['00 20 00 81 06 .. .. .. .. .. ..', '00 20 00 81 06 00 00 00 00 00 00', '00 A4 00 00 02 2F 02', '00 A4 00 00 02 2F 02 00'];
  // Parsed three times over (the parser hands back one object for a repeated line): always the same reading.
  for (let round = 0; round < 3; round++) {
    for (const line of lines) t.is(formatPattern(parsePattern(line)), line);
    const masked = parsePattern(lines[0] ?? '');
    const plain = parsePattern(lines[1] ?? '');
    t.deepEqual(masked.masked, hex('00 00 00 00 00 01 01 01 01 01 01'));
    t.is(plain.masked, undefined);
    t.false(matchesPattern(plain, hex('0020008106 363438323139')));
    t.true(matchesPattern(masked, hex('0020008106 363438323139')));
  }
  const many = Array.from({ length: 10_000 }, (_, i) => `00 B1 00 00 04 54 02 ${(i & 0xff).toString(16).padStart(2, '0')} 00`);
  for (const line of [...many, ...many]) t.is(formatPattern(parsePattern(line)).toLowerCase(), line.toLowerCase());
});
