import test from 'ava';
import { ApduEncodeError, encodeCommand, lengthFormOf, parseCommand, type CommandApdu, type CommandCase } from '../../src/apdu/index.ts';
import { SchsmError } from '../../src/transport/errors.ts';
import { apdu, assertBytes, hex, seq } from '../helpers/apdu.ts';
import { AID, GAKP_EC_BODY } from './vectors.ts';

/*
 * Boundaries of ISO/IEC 7816-4 §5.1 (sc-hsm-protocol.md §1.1). Every expected APDU is written from the
 * standard's layout, never produced by the encoder. Header A0 B1 C2 D3 (distinct bytes, so a swapped
 * field shows). d(n) = n data bytes 00 01 02 … (mod 256).
 *   short:    CLA INS P1 P2 | Lc(1) | data | Le(1)      Le 00 = 256
 *   extended: CLA INS P1 P2 | Lc(3) = 00 hi lo | data | Le(2)   (2E: Le(3) = 00 hi lo); Le 0000 = 65536
 */
const H = { cla: 0xa0, ins: 0xb1, p1: 0xc2, p2: 0xd3 } as const;
const d = seq;

type Row = readonly [nc: number, ne: number, kase: CommandCase, expected: Uint8Array];

const rows: Row[] = [
  // Nc = 0
  [0, 0, '1', apdu`A0 B1 C2 D3`], //                                   CLA INS P1 P2
  [0, 1, '2S', apdu`A0 B1 C2 D3 | 01`], //                             CLA INS P1 P2 | Le(1)
  [0, 255, '2S', apdu`A0 B1 C2 D3 | FF`], //                           CLA INS P1 P2 | Le(1)
  [0, 256, '2S', apdu`A0 B1 C2 D3 | 00`], //                           CLA INS P1 P2 | Le(1) 00 = 256
  [0, 257, '2E', apdu`A0 B1 C2 D3 | 00 01 01`], //                     CLA INS P1 P2 | Le(3)
  [0, 65535, '2E', apdu`A0 B1 C2 D3 | 00 FF FF`], //                   CLA INS P1 P2 | Le(3)
  [0, 65536, '2E', apdu`A0 B1 C2 D3 | 00 00 00`], //                   CLA INS P1 P2 | Le(3) 0000 = 65536
  // Nc = 1
  [1, 0, '3S', apdu`A0 B1 C2 D3 | 01 | ${d(1)}`], //                   CLA INS P1 P2 | Lc(1) | data
  [1, 1, '4S', apdu`A0 B1 C2 D3 | 01 | ${d(1)} | 01`], //              CLA INS P1 P2 | Lc(1) | data | Le(1)
  [1, 255, '4S', apdu`A0 B1 C2 D3 | 01 | ${d(1)} | FF`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [1, 256, '4S', apdu`A0 B1 C2 D3 | 01 | ${d(1)} | 00`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [1, 257, '4E', apdu`A0 B1 C2 D3 | 00 00 01 | ${d(1)} | 01 01`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
  [1, 65535, '4E', apdu`A0 B1 C2 D3 | 00 00 01 | ${d(1)} | FF FF`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  [1, 65536, '4E', apdu`A0 B1 C2 D3 | 00 00 01 | ${d(1)} | 00 00`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  // Nc = 0x7F
  [0x7f, 0, '3S', apdu`A0 B1 C2 D3 | 7F | ${d(0x7f)}`], //                   CLA INS P1 P2 | Lc(1) | data
  [0x7f, 1, '4S', apdu`A0 B1 C2 D3 | 7F | ${d(0x7f)} | 01`], //              CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x7f, 255, '4S', apdu`A0 B1 C2 D3 | 7F | ${d(0x7f)} | FF`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x7f, 256, '4S', apdu`A0 B1 C2 D3 | 7F | ${d(0x7f)} | 00`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x7f, 257, '4E', apdu`A0 B1 C2 D3 | 00 00 7F | ${d(0x7f)} | 01 01`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
  [0x7f, 65535, '4E', apdu`A0 B1 C2 D3 | 00 00 7F | ${d(0x7f)} | FF FF`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  [0x7f, 65536, '4E', apdu`A0 B1 C2 D3 | 00 00 7F | ${d(0x7f)} | 00 00`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  // Nc = 0x80
  [0x80, 0, '3S', apdu`A0 B1 C2 D3 | 80 | ${d(0x80)}`], //                   CLA INS P1 P2 | Lc(1) | data
  [0x80, 1, '4S', apdu`A0 B1 C2 D3 | 80 | ${d(0x80)} | 01`], //              CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x80, 255, '4S', apdu`A0 B1 C2 D3 | 80 | ${d(0x80)} | FF`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x80, 256, '4S', apdu`A0 B1 C2 D3 | 80 | ${d(0x80)} | 00`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [0x80, 257, '4E', apdu`A0 B1 C2 D3 | 00 00 80 | ${d(0x80)} | 01 01`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
  [0x80, 65535, '4E', apdu`A0 B1 C2 D3 | 00 00 80 | ${d(0x80)} | FF FF`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  [0x80, 65536, '4E', apdu`A0 B1 C2 D3 | 00 00 80 | ${d(0x80)} | 00 00`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  // Nc = 255
  [255, 0, '3S', apdu`A0 B1 C2 D3 | FF | ${d(255)}`], //                   CLA INS P1 P2 | Lc(1) | data
  [255, 1, '4S', apdu`A0 B1 C2 D3 | FF | ${d(255)} | 01`], //              CLA INS P1 P2 | Lc(1) | data | Le(1)
  [255, 255, '4S', apdu`A0 B1 C2 D3 | FF | ${d(255)} | FF`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [255, 256, '4S', apdu`A0 B1 C2 D3 | FF | ${d(255)} | 00`], //            CLA INS P1 P2 | Lc(1) | data | Le(1)
  [255, 257, '4E', apdu`A0 B1 C2 D3 | 00 00 FF | ${d(255)} | 01 01`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
  [255, 65535, '4E', apdu`A0 B1 C2 D3 | 00 00 FF | ${d(255)} | FF FF`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  [255, 65536, '4E', apdu`A0 B1 C2 D3 | 00 00 FF | ${d(255)} | 00 00`], // CLA INS P1 P2 | Lc(3) | data | Le(2)
  // Nc = 256: extended whatever Ne is
  [256, 0, '3E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)}`], //                   CLA INS P1 P2 | Lc(3) | data
  [256, 1, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | 00 01`], //           CLA INS P1 P2 | Lc(3) | data | Le(2)
  [256, 255, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | 00 FF`], //         CLA INS P1 P2 | Lc(3) | data | Le(2)
  [256, 256, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | 01 00`], //         CLA INS P1 P2 | Lc(3) | data | Le(2)
  [256, 257, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | 01 01`], //         CLA INS P1 P2 | Lc(3) | data | Le(2)
  [256, 65535, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | FF FF`], //       CLA INS P1 P2 | Lc(3) | data | Le(2)
  [256, 65536, '4E', apdu`A0 B1 C2 D3 | 00 01 00 | ${d(256)} | 00 00`], //       CLA INS P1 P2 | Lc(3) | data | Le(2)
  // Nc = 65535, the largest Nc
  [65535, 0, '3E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)}`], //               CLA INS P1 P2 | Lc(3) | data
  [65535, 1, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | 00 01`], //       CLA INS P1 P2 | Lc(3) | data | Le(2)
  [65535, 255, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | 00 FF`], //     CLA INS P1 P2 | Lc(3) | data | Le(2)
  [65535, 256, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | 01 00`], //     CLA INS P1 P2 | Lc(3) | data | Le(2)
  [65535, 257, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | 01 01`], //     CLA INS P1 P2 | Lc(3) | data | Le(2)
  [65535, 65535, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | FF FF`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
  [65535, 65536, '4E', apdu`A0 B1 C2 D3 | 00 FF FF | ${d(65535)} | 00 00`], //   CLA INS P1 P2 | Lc(3) | data | Le(2)
];

const cmdOf = (nc: number, ne: number): CommandApdu => ({ ...H, data: d(nc), ne });

for (const [nc, ne, kase, expected] of rows) {
  test(`encode Nc=${nc} Ne=${ne} → case ${kase}`, (t) => {
    const cmd = cmdOf(nc, ne);
    assertBytes(t, encodeCommand(cmd), expected);
    // Extended exactly when Nc > 255 or Ne > 256.
    t.is(lengthFormOf(cmd), nc > 255 || ne > 256 ? 'extended' : 'short');
    const parsed = parseCommand(expected);
    t.is(parsed.case, kase);
    t.is(parsed.ne, ne);
    t.is(parsed.data.length, nc);
  });
}

test('every Nc × Ne boundary pair is in the table', (t) => {
  const ncs = [0, 1, 0x7f, 0x80, 255, 256, 65535];
  const nes = [0, 1, 255, 256, 257, 65535, 65536];
  for (const nc of ncs)
    for (const ne of nes)
      t.true(
        rows.some(([a, b]) => a === nc && b === ne),
        `missing Nc=${nc} Ne=${ne}`,
      );
  t.is(rows.length, ncs.length * nes.length);
});

test('data and ne may be omitted: case 1', (t) => {
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x74, p1: 0x01, p2: 0x93 }), apdu`80 74 01 93`); // UNWRAP KEY from 2F10, §3.18
});

// --- forced forms the SmartCard-HSM requires (§1.3, §11.1) ----------------------------------------
test('SELECT applet: forced short Le 00 (§2.3, §11.1)', (t) => {
  const cmd: CommandApdu = { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: AID, ne: 256, form: 'short' };
  // CLA INS P1 P2 | Lc(1) | AID | Le(1)
  assertBytes(t, encodeCommand(cmd), hex('00A404000BE82B0601040181C31F020100'));
});

test('ENUMERATE OBJECTS: 2E with Le 0000 = `80 58 00 00 00 00 00` (§3.5, §11.1)', (t) => {
  // CLA INS P1 P2 | Le(3)
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536, form: 'extended' }), hex('80580000000000'));
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 65536 }), hex('80580000000000'));
});

test('ENUMERATE OBJECTS short fallback `80 58 00 00 00` (§1.3)', (t) => {
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 256, form: 'short' }), hex('8058000000'));
});

test('WRAP KEY 1: `80 72 01 92 00 00 00` (§3.17, §11.1)', (t) => {
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x72, p1: 0x01, p2: 0x92, ne: 65536, form: 'extended' }), hex('80720192000000'));
});

test('forced extended where short would fit: Ne 256 → Le(3) 00 01 00; Nc 1, Ne 1 → 00 00 01 | d | 00 01', (t) => {
  assertBytes(t, encodeCommand({ ...H, ne: 256, form: 'extended' }), apdu`A0 B1 C2 D3 | 00 01 00`);
  assertBytes(t, encodeCommand({ ...H, data: d(1), ne: 1, form: 'extended' }), apdu`A0 B1 C2 D3 | 00 00 01 | 00 | 00 01`);
  assertBytes(t, encodeCommand({ ...H, data: d(3), form: 'extended' }), apdu`A0 B1 C2 D3 | 00 00 03 | 00 01 02`);
  // Case 1 has no length field, so there is nothing to extend.
  assertBytes(t, encodeCommand({ ...H, form: 'extended' }), apdu`A0 B1 C2 D3`);
});

test('SIGN ECDSA 4E with Le 0200 (§3.13)', (t) => {
  const hash = seq(32, 0xa0);
  // CLA INS P1 P2 | Lc(3) | hash | Le(2) = 512
  const expected = apdu`80 68 01 70 | 00 00 20 | ${hash} | 02 00`;
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x68, p1: 0x01, p2: 0x70, data: hash, ne: 512 }), expected);
  assertBytes(t, encodeCommand({ cla: 0x80, ins: 0x68, p1: 0x01, p2: 0x70, data: hash, ne: 512, form: 'extended' }), expected);
});

test('GENERATE ASYMMETRIC KEY PAIR: 4E with Le 0000 (§3.11, §11.2)', (t) => {
  t.is(GAKP_EC_BODY.length, 256);
  // CLA INS P1 P2 | Lc(3) = 00 01 00 | body | Le(2) = 0000
  const expected = apdu`00 46 01 00 | 00 01 00 | ${GAKP_EC_BODY} | 00 00`;
  assertBytes(t, encodeCommand({ cla: 0x00, ins: 0x46, p1: 0x01, p2: 0x00, data: GAKP_EC_BODY, ne: 65536, form: 'extended' }), expected);
  assertBytes(t, encodeCommand({ cla: 0x00, ins: 0x46, p1: 0x01, p2: 0x00, data: GAKP_EC_BODY, ne: 65536 }), expected);
});

test('RSA-2048 GAKP body of §11.2 (58 bytes) goes out 4E because Ne is 65536', (t) => {
  const body = hex(
    '5F290100 4209555443413030303031 7F4915 060A04007F00070202020102 8203010001 02020800 5F201044454E4B303130353730323030303031',
  );
  t.is(body.length, 58);
  assertBytes(t, encodeCommand({ cla: 0, ins: 0x46, p1: 2, p2: 0, data: body, ne: 65536 }), apdu`00 46 02 00 | 00 00 3A | ${body} | 00 00`);
});

// --- typed errors -----------------------------------------------------------------------------------
const bad: ReadonlyArray<readonly [string, CommandApdu, RegExp]> = [
  ['data of 65536 bytes', { ...H, data: new Uint8Array(65536) }, /65536 bytes exceeds .*65535/],
  ['Ne 65537', { ...H, ne: 65537 }, /Ne must be 0\.\.65536, got 65537/],
  ['Ne -1', { ...H, ne: -1 }, /Ne must be 0\.\.65536, got -1/],
  ['Ne 1.5', { ...H, ne: 1.5 }, /Ne must be 0\.\.65536, got 1\.5/],
  ['Ne NaN', { ...H, ne: Number.NaN }, /Ne must be 0\.\.65536, got NaN/],
  ['CLA 0x100', { ...H, cla: 0x100 }, /CLA must be a byte .* got 256/],
  ['INS -1', { ...H, ins: -1 }, /INS must be a byte .* got -1/],
  ['P1 2.5', { ...H, p1: 2.5 }, /P1 must be a byte .* got 2\.5/],
  ['P2 0x1FF', { ...H, p2: 0x1ff }, /P2 must be a byte .* got 511/],
  ['forced short with 256 data bytes', { ...H, data: d(256), form: 'short' }, /256 data bytes do not fit a short APDU/],
  ['forced short with Ne 257', { ...H, ne: 257, form: 'short' }, /Ne 257 does not fit a short APDU/],
  ['unknown form', { ...H, ne: 1, form: 'long' as unknown as 'short' }, /form must be "short" or "extended"/],
];

for (const [what, cmd, message] of bad) {
  test(`encodeCommand refuses ${what} with ApduEncodeError`, (t) => {
    const err = t.throws(() => encodeCommand(cmd), { instanceOf: ApduEncodeError, message });
    t.true(err instanceof SchsmError);
    t.is(err?.code, 'ERR_SCHSM_APDU_ENCODE');
  });
}
