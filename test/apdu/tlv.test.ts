import test from 'ava';
import {
  childrenOf,
  decodeTlv,
  decodeTlvAt,
  decodeTlvs,
  encodeLength,
  encodeTag,
  encodeTlv,
  findTlv,
  tlvBytes,
  TlvEncodeError,
  TlvError,
} from '../../src/apdu/index.ts';
import { apdu, assertBytes, hex, seq } from '../helpers/apdu.ts';
import { FCP_TRACE_03, GAKP_EC_BODY, PRKD_5_3, PRKD_TRACE_17 } from './vectors.ts';

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array(0));

// --- tags -------------------------------------------------------------------------------------------
test('multi-byte tags 5F29, 7F21, 7F4E, 7F49 and a 3-byte tag decode to their big-endian number', (t) => {
  const cases: ReadonlyArray<readonly [Uint8Array, number, boolean]> = [
    [apdu`5F 29 | 01 | 00`, 0x5f29, false],
    [apdu`7F 21 | 00`, 0x7f21, true],
    [apdu`7F 4E | 00`, 0x7f4e, true],
    [apdu`7F 49 | 00`, 0x7f49, true],
    [apdu`DF 81 01 | 01 | AA`, 0xdf8101, false], // 3-byte tag: 1F-form first byte, 81 continues, 01 ends
    [apdu`85 | 00`, 0x85, false],
    [apdu`A1 | 00`, 0xa1, true],
  ];
  for (const [bytes, tag, constructed] of cases) {
    const tlv = decodeTlv(bytes);
    t.is(tlv.tag, tag);
    t.is(tlv.constructed, constructed, `constructed bit of ${tag.toString(16)}`);
    t.is(tlv.headerLength, bytes.length - tlv.value.length);
  }
});

test('encodeTag writes 1–3 bytes and refuses numbers that are not a BER tag', (t) => {
  assertBytes(t, encodeTag(0x85), hex('85'));
  assertBytes(t, encodeTag(0x5f29), hex('5F29'));
  assertBytes(t, encodeTag(0x7f4e), hex('7F4E'));
  assertBytes(t, encodeTag(0xdf8101), hex('DF8101'));
  for (const bad of [0x1f, 0x5f, 0x1234, 0x5f81, 0xdf0101, 0xdf8181, -1, 1.5, 0x1000000]) {
    const err = t.throws(() => encodeTag(bad), { instanceOf: TlvEncodeError }, `tag ${bad}`);
    t.true(err instanceof TlvError);
    t.is(err?.code, 'ERR_SCHSM_TLV');
    t.notRegex(err?.message ?? '', /at offset/);
  }
});

// --- lengths ----------------------------------------------------------------------------------------
test('encodeLength at the short/long form boundaries (X.690 §8.1.3)', (t) => {
  const rows: ReadonlyArray<readonly [number, string]> = [
    [0, '00'],
    [0x7f, '7F'],
    [0x80, '81 80'],
    [0xff, '81 FF'],
    [0x100, '82 01 00'],
    [0xffff, '82 FF FF'],
    [0x10000, '83 01 00 00'],
    [0xffffff, '83 FF FF FF'],
  ];
  for (const [len, expected] of rows) assertBytes(t, encodeLength(len), hex(expected), `length ${len}`);
  for (const bad of [-1, 0x1000000, 2.5]) t.throws(() => encodeLength(bad), { instanceOf: TlvEncodeError });
});

test('lengths 81, 82, 83 decode, including non-minimal ones (BER allows them)', (t) => {
  t.is(decodeTlv(apdu`04 | 81 80 | ${seq(0x80)}`).value.length, 0x80);
  t.is(decodeTlv(apdu`04 | 82 01 00 | ${seq(0x100)}`).value.length, 0x100);
  t.is(decodeTlv(apdu`04 | 83 01 00 00 | ${seq(0x10000)}`).value.length, 0x10000);
  const loose = decodeTlv(apdu`04 | 81 03 | AA BB CC`);
  assertBytes(t, loose.value, hex('AABBCC'));
  t.is(loose.headerLength, 3);
});

test('encodeTlv with children produces the standard encoding', (t) => {
  // 7F49 { 06 02 2A 03, 86 03 04 01 02 } → 7F49 09 …
  const enc = encodeTlv(0x7f49, [encodeTlv(0x06, hex('2A03')), encodeTlv(0x86, hex('040102'))]);
  assertBytes(t, enc, apdu`7F 49 | 09 | 06 02 2A 03 | 86 03 04 01 02`);
  assertBytes(t, encodeTlv(0x53), hex('53 00'));
  assertBytes(t, encodeTlv(0x53, seq(0x80)), apdu`53 | 81 80 | ${seq(0x80)}`);
});

const malformed: ReadonlyArray<readonly [string, Uint8Array, RegExp]> = [
  ['empty input to decodeTlv', new Uint8Array(0), /missing tag at offset 0/],
  ['indefinite length 80', apdu`30 80 00 00`, /indefinite length/],
  ['4-byte length 84', apdu`04 84 00 00 00 01 AA`, /length field of 4 bytes/],
  ['truncated 2-byte tag', apdu`5F`, /truncated multi-byte tag/],
  ['tag longer than 3 bytes', apdu`DF 81 81 01 00`, /tag longer than 3 bytes/],
  ['missing length', apdu`7F 49`, /missing length for tag 7F49/],
  ['truncated length', apdu`04 82 01`, /truncated length/],
  ['value overrun', apdu`04 05 AA BB`, /value of 5 bytes overruns the 2 bytes left at offset 0/],
  ['trailing bytes', apdu`04 01 AA BB`, /1 trailing byte\(s\) after the TLV at offset 3/],
];

for (const [what, bytes, message] of malformed) {
  test(`decodeTlv: ${what} → TlvError`, (t) => {
    t.throws(() => decodeTlv(bytes), { instanceOf: TlvError, message });
  });
}

test('TlvError.offset points at the TLV that failed, in decodeTlvs', (t) => {
  const err = t.throws(() => decodeTlvs(apdu`04 01 AA | 04 03 BB`), { instanceOf: TlvError });
  t.is(err?.offset, 3);
});

// --- padding ----------------------------------------------------------------------------------------
test('padding option skips 00 and FF between TLVs; without it they are an error', (t) => {
  const padded = apdu`00 FF | 80 01 AA | 00 00 | 81 00 | FF`;
  const tlvs = decodeTlvs(padded, { allowPadding: true });
  t.deepEqual(
    tlvs.map((x) => x.tag),
    [0x80, 0x81],
  );
  t.deepEqual(
    tlvs.map((x) => x.offset),
    [2, 7],
  );
  t.throws(() => decodeTlvs(padded), { instanceOf: TlvError });
  t.deepEqual(decodeTlvs(new Uint8Array(0)), []);
});

// --- real structures --------------------------------------------------------------------------------
test('EC PRKD of §5.3: label, flags, authId, iD, usage, key reference, field length', (t) => {
  const prkd = decodeTlv(PRKD_5_3);
  t.is(prkd.tag, 0xa0);
  t.is(prkd.value.length, 0x3f);
  const top = [prkd];
  t.is(text(findTlv(top, 0xa0, 0x30, 0x0c)?.value), 'btc-test');
  assertBytes(t, findTlv(top, 0xa0, 0x30, 0x03)?.value ?? new Uint8Array(0), hex('06 C0'), 'flags');
  assertBytes(t, findTlv(top, 0xa0, 0x30, 0x04)?.value ?? new Uint8Array(0), hex('01'), 'authId');
  const [common, key, typeAttrs] = childrenOf(prkd);
  t.deepEqual([common?.tag, key?.tag, typeAttrs?.tag], [0x30, 0x30, 0xa1]);
  const keyAttrs = key === undefined ? [] : childrenOf(key);
  t.is(keyAttrs[0]?.value.length, 20);
  assertBytes(t, keyAttrs[0]?.value.subarray(0, 4) ?? new Uint8Array(0), hex('4D8B45C6'), 'iD prefix');
  assertBytes(t, keyAttrs[1]?.value ?? new Uint8Array(0), hex('07 30 80'), 'usage');
  assertBytes(t, keyAttrs[2]?.value ?? new Uint8Array(0), hex('01'), 'keyReference');
  assertBytes(t, findTlv(top, 0xa0, 0xa1, 0x30, 0x02)?.value ?? new Uint8Array(0), hex('01 00'), 'field length 256');
  assertBytes(t, findTlv(top, 0xa0, 0xa1, 0x30, 0x30, 0x04)?.value ?? hex('FF'), new Uint8Array(0), 'empty path');
});

test('PRKD read back in trace 17 decodes the same shape', (t) => {
  const top = decodeTlvs(PRKD_TRACE_17);
  t.is(top.length, 1);
  t.is(text(findTlv(top, 0xa0, 0x30, 0x0c)?.value), 'ec256-11');
  assertBytes(t, findTlv(top, 0xa0, 0xa1, 0x30, 0x02)?.value ?? new Uint8Array(0), hex('01 00'));
});

test('GAKP body of §11.2: 5F29, 42, 7F49 (81 DA) with explicit curve, 5F20', (t) => {
  const tlvs = decodeTlvs(GAKP_EC_BODY);
  t.deepEqual(
    tlvs.map((x) => x.tag),
    [0x5f29, 0x42, 0x7f49, 0x5f20],
  );
  t.is(text(findTlv(tlvs, 0x42)?.value), 'UTCA00001');
  t.is(text(findTlv(tlvs, 0x5f20)?.value), 'DENK010570200001');
  const pk = findTlv(tlvs, 0x7f49);
  t.is(pk?.value.length, 0xda);
  t.is(pk?.headerLength, 4); // 7F 49 81 DA
  const inner = pk === undefined ? [] : childrenOf(pk);
  t.deepEqual(
    inner.map((x) => x.tag),
    [0x06, 0x81, 0x82, 0x83, 0x84, 0x85, 0x87],
  );
  t.deepEqual(
    inner.map((x) => x.value.length),
    [10, 32, 32, 32, 65, 32, 1],
  );
  t.is(findTlv(tlvs, 0x7f49, 0x84)?.value[0], 0x04);
  t.is(findTlv(tlvs, 0x7f49, 0x86), undefined, 'the public point is not in a request');
  assertBytes(t, tlvBytes(GAKP_EC_BODY, tlvs[3] ?? tlvs[0]!), hex('5F2010 44454E4B303130353730323030303031'));
});

test('FCP from trace 03: findTlv 62/85 gives the version bytes, 62/84 the DF name', (t) => {
  const tlvs = decodeTlvs(FCP_TRACE_03);
  assertBytes(t, findTlv(tlvs, 0x62, 0x85)?.value ?? new Uint8Array(0), hex('00 00 FF 06 06'));
  t.is(findTlv(tlvs, 0x62, 0x84)?.value.length, 11);
  assertBytes(t, findTlv(tlvs, 0x62, 0x82)?.value ?? new Uint8Array(0), hex('01'));
  t.is(findTlv(tlvs, 0x62, 0x99), undefined);
  t.is(findTlv(tlvs, 0x6f, 0x85), undefined);
  t.is(findTlv(tlvs, 0x62, 0x85, 0x01), undefined, '85 is primitive: no children');
  t.is(findTlv(tlvs), undefined, 'empty path');
});

test('offsets of children are relative to the parent value; tlvBytes takes that buffer', (t) => {
  const outer = decodeTlv(apdu`30 06 | 04 01 AA | 05 01 BB`);
  const [, second] = childrenOf(outer);
  t.is(second?.offset, 3);
  assertBytes(t, tlvBytes(outer.value, second!), hex('05 01 BB'));
});

test('decodeTlvAt returns the next offset', (t) => {
  const { tlv, next } = decodeTlvAt(apdu`FF FF | 5F 29 01 00 | 42 00`, 2);
  t.is(tlv.tag, 0x5f29);
  t.is(next, 6);
});
