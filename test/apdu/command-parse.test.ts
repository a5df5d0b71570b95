import test from 'ava';
import { ApduParseError, parseCommand, type CommandCase } from '../../src/apdu/index.ts';
import { apdu, assertBytes, seq } from '../helpers/apdu.ts';
import { AID } from './vectors.ts';

/*
 * parseCommand against hand-written APDUs (sc-hsm-protocol.md §1.1):
 *   short:    CLA INS P1 P2 | Lc(1) | data | Le(1)          extended: CLA INS P1 P2 | Lc(3) | data | Le(2)
 * Edge rules: a 5th byte 00 with total length ≥ 7 is extended; length 7 exactly is 2E; mixed forms and a
 * length that does not match Lc are errors.
 */
type Row = readonly [name: string, bytes: Uint8Array, kase: CommandCase, nc: number, ne: number];

const rows: Row[] = [
  ['case 1', apdu`80 74 01 93`, '1', 0, 0],
  ['2S Le 01', apdu`00 84 00 00 | 01`, '2S', 0, 1],
  ['2S Le FF', apdu`00 84 00 00 | FF`, '2S', 0, 255],
  ['2S Le 00 = 256', apdu`00 84 00 00 | 00`, '2S', 0, 256],
  ['ENUMERATE short fallback', apdu`80 58 00 00 | 00`, '2S', 0, 256],
  ['3S Lc 01', apdu`00 E4 02 00 | 01 | CC`, '3S', 1, 0],
  ['3S Lc 02 (DELETE FILE, §3.4)', apdu`00 E4 02 00 | 02 | CC 01`, '3S', 2, 0],
  ['3S Lc FF', apdu`00 D7 00 00 | FF | ${seq(255)}`, '3S', 255, 0],
  ['4S READ BINARY from trace 17', apdu`00 B1 00 00 | 04 | 54 02 00 00 | 00`, '4S', 4, 256],
  ['4S SELECT applet (§11.1)', apdu`00 A4 04 00 | 0B | ${AID} | 00`, '4S', 11, 256],
  ['4S Le 01', apdu`00 CA 01 02 | 01 | AA | 01`, '4S', 1, 1],
  ['2E Le 0000 = 65536 (ENUMERATE)', apdu`80 58 00 00 | 00 00 00`, '2E', 0, 65536],
  ['2E Le 0101', apdu`00 B0 00 00 | 00 01 01`, '2E', 0, 257],
  ['2E Le 0005 (valid though short would do)', apdu`00 B0 00 00 | 00 00 05`, '2E', 0, 5],
  ['2E WRAP KEY', apdu`80 72 01 92 | 00 00 00`, '2E', 0, 65536],
  ['3E Lc 000001', apdu`00 D7 00 00 | 00 00 01 | AA`, '3E', 1, 0],
  ['3E Lc 0100', apdu`00 D7 00 00 | 00 01 00 | ${seq(256)}`, '3E', 256, 0],
  ['4E Le 0000', apdu`00 46 01 00 | 00 00 02 | 5F 29 | 00 00`, '4E', 2, 65536],
  ['4E Le 0200 (SIGN)', apdu`80 68 01 70 | 00 00 20 | ${seq(32)} | 02 00`, '4E', 32, 512],
  ['4E Lc FFFF', apdu`80 68 01 20 | 00 FF FF | ${seq(65535)} | 00 01`, '4E', 65535, 1],
];

for (const [name, bytes, kase, nc, ne] of rows) {
  test(`parseCommand ${name}`, (t) => {
    const p = parseCommand(bytes);
    t.is(p.case, kase);
    t.is(p.form, kase.endsWith('E') ? 'extended' : 'short');
    t.is(p.cla, bytes[0] ?? -1);
    t.is(p.ins, bytes[1] ?? -1);
    t.is(p.p1, bytes[2] ?? -1);
    t.is(p.p2, bytes[3] ?? -1);
    t.is(p.data.length, nc);
    t.is(p.ne, ne);
    const start = kase.endsWith('E') ? 7 : 5;
    if (nc > 0) assertBytes(t, p.data, bytes.subarray(start, start + nc), 'data');
  });
}

test('parsed data is a copy, not a view the caller can change under it', (t) => {
  const bytes = apdu`00 D7 00 00 | 02 | AA BB`;
  const p = parseCommand(bytes);
  bytes[5] = 0;
  t.is(p.data[0], 0xaa);
});

const bad: ReadonlyArray<readonly [string, Uint8Array, RegExp]> = [
  ['empty', new Uint8Array(0), /at least 4 header bytes, got 0/],
  ['3 bytes', apdu`00 A4 04`, /at least 4 header bytes, got 3/],
  ['6 bytes with 00 at offset 4', apdu`00 A4 04 00 | 00 | 05`, /6-byte APDU with 00 at offset 4/],
  ['short Lc 05 with 2 data bytes', apdu`00 D7 00 00 | 05 | AA BB`, /short Lc 5 does not match the 2 bytes/],
  ['short Lc 01 with 3 bytes after it', apdu`00 D7 00 00 | 01 | AA BB CC`, /short Lc 1 does not match the 3 bytes/],
  ['short Lc + extended Le (mixed)', apdu`00 D7 00 00 | 01 | AA | 00 05`, /short Lc 1 does not match/],
  ['extended Lc + short Le (mixed)', apdu`00 D7 00 00 | 00 00 01 | AA | 05`, /extended Lc 1 does not match the 2 bytes/],
  ['extended Lc + 3-byte Le', apdu`00 D7 00 00 | 00 00 01 | AA | 00 00 05`, /extended Lc 1 does not match the 4 bytes/],
  ['extended Lc 0000 with data', apdu`00 D7 00 00 | 00 00 00 | AA`, /extended Lc of 0 with data/],
  ['extended Lc too large', apdu`00 D7 00 00 | 00 00 09 | AA BB`, /extended Lc 9 does not match the 2 bytes/],
];

for (const [name, bytes, message] of bad) {
  test(`parseCommand rejects ${name} with ApduParseError`, (t) => {
    const err = t.throws(() => parseCommand(bytes), { instanceOf: ApduParseError, message });
    t.is(err?.code, 'ERR_SCHSM_APDU_PARSE');
  });
}

test('length 7 with 00 at offset 4 is always 2E, even when byte 5..6 could be short data', (t) => {
  // 00 A4 04 00 00 01 02 could be read as "Lc 00" + 2 bytes; §1.1 says it is 2E with Le 0102.
  const p = parseCommand(apdu`00 A4 04 00 | 00 01 02`);
  t.is(p.case, '2E');
  t.is(p.ne, 0x0102);
  t.is(p.data.length, 0);
});
