import test from 'ava';
import {
  ApduEncodeError,
  ApduParseError,
  bytesEqual,
  concat,
  decodeResponse,
  encodeOid,
  encodeResponse,
  formatOid,
  fromHex,
  HexError,
  hexdump,
  OidError,
  toHex,
  u16,
} from '../../src/apdu/index.ts';
import { apdu, assertBytes, hex } from '../helpers/apdu.ts';

// --- hex --------------------------------------------------------------------------------------------
test('toHex: upper case, optional separator', (t) => {
  t.is(toHex(apdu`00 A4 0f ff`), '00A40FFF');
  t.is(toHex(apdu`00 A4 04 00`, ' '), '00 A4 04 00');
  t.is(toHex(apdu`00 A4`, ':'), '00:A4');
  t.is(toHex(new Uint8Array(0)), '');
});

test('fromHex accepts compact, spaced, colon and mixed-case hex', (t) => {
  for (const text of ['00A4040C', '00 a4 04 0c', '00:A4:04:0C', ' 00A4\t040C\n', '00:a4 04:0C']) {
    assertBytes(t, fromHex(text), hex('00 A4 04 0C'), JSON.stringify(text));
  }
  t.is(fromHex('').length, 0);
});

test('fromHex errors name the problem', (t) => {
  t.throws(() => fromHex('00A'), { instanceOf: HexError, message: /odd number of hex digits \(3\) in "00A"/ });
  t.throws(() => fromHex('00G4'), { instanceOf: HexError, message: /unexpected character "G"/ });
  t.throws(() => fromHex('0x00'), { instanceOf: HexError, message: /unexpected character "x"/ });
  const err = t.throws(() => fromHex(`${'00'.repeat(500)}zz`), { instanceOf: HexError });
  t.true((err?.message.length ?? 0) < 200, 'a long input is shortened in the message');
  t.is(err?.code, 'ERR_SCHSM_HEX');
});

test('hexdump: offset, 16 bytes per line, ASCII column', (t) => {
  const bytes = Uint8Array.from([...'ec256-11'].map((c) => c.charCodeAt(0)).concat([0x00, 0x7f, 0x80, 0x20, 0x41, 0x42, 0x43, 0x44, 0x45]));
  t.is(
    hexdump(bytes, '> '),
    [
      '> 0000  65 63 32 35 36 2D 31 31 00 7F 80 20 41 42 43 44  ec256-11... ABCD',
      '> 0010  45                                               E',
    ].join('\n'),
  );
  t.is(hexdump(new Uint8Array(0)), '');
});

test('u16, concat, bytesEqual', (t) => {
  assertBytes(t, u16(0x0102), hex('01 02'));
  assertBytes(t, u16(0xffff), hex('FF FF'));
  assertBytes(t, concat(hex('01'), new Uint8Array(0), hex('02 03')), hex('01 02 03'));
  t.is(concat().length, 0);
  t.true(bytesEqual(hex('0102'), hex('0102')));
  t.false(bytesEqual(hex('0102'), hex('0103')));
  t.false(bytesEqual(hex('0102'), hex('010200')));
});

// --- response ---------------------------------------------------------------------------------------
test('decodeResponse splits data and SW; encodeResponse joins them', (t) => {
  const r = decodeResponse(apdu`62 03 85 01 00 | 90 00`);
  assertBytes(t, r.data, hex('62 03 85 01 00'));
  t.is(r.sw, 0x9000);
  t.is(decodeResponse(apdu`6A 82`).data.length, 0);
  t.is(decodeResponse(apdu`6A 82`).sw, 0x6a82);
  assertBytes(t, encodeResponse({ data: hex('01 02'), sw: 0x63c2 }), apdu`01 02 | 63 C2`);
  t.throws(() => decodeResponse(apdu`90`), { instanceOf: ApduParseError, message: /at least SW1 SW2, got 1 byte/ });
});

test('encodeResponse refuses a status word that is not 16 bits', (t) => {
  for (const sw of [-1, 0x10000, 1.5]) t.throws(() => encodeResponse({ data: new Uint8Array(0), sw }), { instanceOf: ApduEncodeError });
});

// --- OIDs (X.690 §8.19) ------------------------------------------------------------------------------
const oids: ReadonlyArray<readonly [string, string, string]> = [
  ['1.2.840.113549.1.1.1', '2A 86 48 86 F7 0D 01 01 01', 'rsaEncryption'],
  ['1.2.840.10045.3.1.7', '2A 86 48 CE 3D 03 01 07', 'prime256v1'],
  ['0.4.0.127.0.7.2.2.2.2.3', '04 00 7F 00 07 02 02 02 02 03', 'id-TA-ECDSA-SHA-256'],
  ['1.3.6.1.4.1.24991.3.1.1', '2B 06 01 04 01 81 C3 1F 03 01 01', 'SmartCard-HSM CHAT role'],
  ['2.999.3', '88 37 03', ''],
  ['2.5.4.3', '55 04 03', ''],
];

for (const [dotted, bytes, name] of oids) {
  test(`OID ${dotted} ↔ ${bytes}`, (t) => {
    assertBytes(t, encodeOid(dotted), hex(bytes));
    t.is(formatOid(hex(bytes)), name === '' ? dotted : `${dotted} (${name})`);
  });
}

test('formatOid: undefined for empty, truncated or non-minimal (leading 80) arcs', (t) => {
  t.is(formatOid(new Uint8Array(0)), undefined);
  t.is(formatOid(hex('2A 86')), undefined);
  t.is(formatOid(hex('2A 80 01')), undefined);
  t.is(formatOid(hex('80 01')), undefined);
});

test('encodeOid refuses text that is not a dotted OID with OidError', (t) => {
  for (const bad of ['', '1', '1.', '.1.2', '1..2', '1.2.x', '1.2.-1', ' 1.2', '3.1', '0.40', '1.40', '1.2e3', '0x1.2']) {
    const err = t.throws(() => encodeOid(bad), { instanceOf: OidError }, JSON.stringify(bad));
    t.is(err?.code, 'ERR_SCHSM_OID');
  }
  assertBytes(t, encodeOid('2.40.1'), hex('78 01'), 'the second arc may exceed 39 under 2');
});
