import test from 'ava';
import { formatTlv, tagName, TlvError } from '../../src/apdu/index.ts';
import { apdu } from '../helpers/apdu.ts';
import { FCP_TRACE_03, GAKP_EC_BODY, PRKD_TRACE_17 } from './vectors.ts';

test('formatTlv of the §11.2 GAKP body inside 7F4E: names, indentation, OID, text, long value cut', (t) => {
  const body = apdu`7F 4E | 82 01 00 | ${GAKP_EC_BODY}`;
  const expected = [
    '7F4E certificate body (256)',
    '  5F29 certificate profile identifier (1): 00',
    '  42 certification authority reference (CAR) (9): "UTCA00001"',
    '  7F49 public key (218)',
    '    06 algorithm OID (10): 0.4.0.127.0.7.2.2.2.2.3 (id-TA-ECDSA-SHA-256)',
    '    81 modulus n / prime p (32): FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF',
    '    82 public exponent e / coefficient a (32): FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC',
    '    83 coefficient b (32): 5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B',
    // 65 bytes: the first 64 in hex, then an ellipsis
    '    84 base point G (65): 046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C2964FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51…',
    '    85 order n (32): FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551',
    '    87 cofactor (1): 01',
    '  5F20 certificate holder reference (CHR) (16): "DENK010570200001"',
  ].join('\n');
  t.is(formatTlv(body), expected);
});

test('formatTlv of the FCP from trace 03 uses FCP names for 8x tags', (t) => {
  t.is(
    formatTlv(FCP_TRACE_03),
    [
      '62 FCP template (34)',
      '  81 file size (total) (2): 0000',
      '  82 file descriptor (1): 01',
      '  83 file identifier (2): 0000',
      '  84 DF name (AID) (11): 2B0601040181C31F020130',
      '  8A life cycle status (1): 05',
      '  85 proprietary (SmartCard-HSM options, type, version) (5): 0000FF0606',
    ].join('\n'),
  );
});

test('formatTlv of a PRKD (trace 17): universal names, UTF8String as text, unnamed context tags', (t) => {
  t.is(
    formatTlv(PRKD_TRACE_17, { indent: '. ' }),
    [
      'A0 (44)',
      '. 30 SEQUENCE (17)',
      '. . 0C UTF8String (8): "ec256-11"',
      '. . 03 BIT STRING (2): 06C0',
      '. . 04 OCTET STRING (1): 01',
      '. 30 SEQUENCE (11)',
      '. . 04 OCTET STRING (1): 11',
      '. . 03 BIT STRING (3): 073080',
      '. . 02 INTEGER (1): 02',
      '. A1 (10)',
      '. . 30 SEQUENCE (8)',
      '. . . 30 SEQUENCE (2)',
      '. . . . 04 OCTET STRING (0): ',
      '. . . 02 INTEGER (2): 0100',
    ].join('\n'),
  );
});

test('a constructed TLV whose value is not TLV is shown once, as hex, with no partial children', (t) => {
  // 30 05 { 30 03 { 04 05 AA } }: the inner 30 holds a TLV that overruns; the outer holds valid TLV.
  const out = formatTlv(apdu`30 05 | 30 03 | 04 05 AA`, { indent: '. ' });
  t.is(out, ['30 SEQUENCE (5)', '. 30 SEQUENCE (3)', '. . (not TLV) 0405AA'].join('\n'));
  // And at the first level: nothing printed for children that fail half-way.
  const out2 = formatTlv(apdu`30 05 | 04 01 AA | 04 09`);
  t.is(out2, ['30 SEQUENCE (5)', '  (not TLV) 0401AA0409'].join('\n'));
});

test('maxValueBytes cuts long values; text only for printable bytes; bad OID shown as hex', (t) => {
  t.is(formatTlv(apdu`04 04 01 02 03 04`, { maxValueBytes: 2 }), '04 OCTET STRING (4): 0102…');
  t.is(formatTlv(apdu`0C 02 41 0A`), '0C UTF8String (2): 410A');
  t.is(formatTlv(apdu`06 02 2A 86`), '06 OBJECT IDENTIFIER (2): 2A86');
});

test('formatTlv on malformed top-level bytes throws TlvError', (t) => {
  t.throws(() => formatTlv(apdu`30 05 04`), { instanceOf: TlvError });
});

test('tagName is context-sensitive', (t) => {
  t.is(tagName(0x81, 0x62), 'file size (total)');
  t.is(tagName(0x81, 0x7f49), 'modulus n / prime p');
  t.is(tagName(0x81), undefined);
  t.is(tagName(0x30, 0x62), 'SEQUENCE');
  t.is(tagName(0x7f21), 'CV certificate');
});
