import test from 'ava';
import fc from 'fast-check';
import {
  ApduParseError,
  decodeResponse,
  decodeTlv,
  decodeTlvs,
  encodeCommand,
  encodeResponse,
  encodeTlv,
  formatTlv,
  fromHex,
  HexError,
  lengthFormOf,
  parseApduText,
  parseCommand,
  parseScript,
  parseSwPattern,
  ScriptError,
  TlvError,
  type CommandApdu,
} from '../../src/apdu/index.ts';
import { SchsmError } from '../../src/transport/errors.ts';
import { byteDifference } from '../helpers/apdu.ts';

const RUNS = { numRuns: 400 };
const byte = fc.integer({ min: 0, max: 255 });
const BOUNDARY_NC = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff];
const BOUNDARY_NE = [0, 1, 0xff, 0x100, 0x101, 0xffff, 0x10000];

const nc = fc.oneof({ arbitrary: fc.constantFrom(...BOUNDARY_NC), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: 700 }), weight: 4 });
const ne = fc.oneof(
  { arbitrary: fc.constantFrom(...BOUNDARY_NE), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0x10000 }), weight: 3 },
);
const form = fc.constantFrom<'short' | 'extended' | undefined>(undefined, 'short', 'extended');

/** Every valid CommandApdu, in automatic and forced forms. */
const validCommand: fc.Arbitrary<CommandApdu> = fc
  .record({ cla: byte, ins: byte, p1: byte, p2: byte, nc, ne, form, fill: byte })
  .filter((c) => c.form !== 'short' || (c.nc <= 255 && c.ne <= 256))
  .map(({ nc: n, fill, form: f, ...rest }) => {
    const data = new Uint8Array(n).fill(fill);
    if (n > 0) data[n - 1] = fill ^ 0x5a; // the last byte differs, so a shifted window shows
    return f === undefined ? { ...rest, data } : { ...rest, data, form: f };
  });

test('parseCommand(encodeCommand(x)) returns x for every valid command, both forms', (t) => {
  fc.assert(
    fc.property(validCommand, (cmd) => {
      const bytes = encodeCommand(cmd);
      const p = parseCommand(bytes);
      const data = cmd.data ?? new Uint8Array(0);
      const isCase1 = data.length === 0 && (cmd.ne ?? 0) === 0;
      return (
        p.cla === cmd.cla &&
        p.ins === cmd.ins &&
        p.p1 === cmd.p1 &&
        p.p2 === cmd.p2 &&
        p.ne === (cmd.ne ?? 0) &&
        byteDifference(p.data, data) === undefined &&
        // case 1 has no length field, so its form is not visible on the wire
        (isCase1 ? p.case === '1' : p.form === lengthFormOf(cmd))
      );
    }),
    RUNS,
  );
  t.pass();
});

/** Bytes that look like APDUs: a header, then a tail built from length-ish bytes and data. */
const apduLike = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc
    .tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.constantFrom(0, 1, 2, 0xff), fc.uint8Array({ maxLength: 300 }))
    .map(([h, b4, tail]) => Uint8Array.from([...h, b4, ...tail])),
  validCommand
    .map((c) => encodeCommand(c))
    .chain((b) =>
      fc
        .integer({ min: -2, max: 2 })
        .map((cut) => (cut < 0 ? b.subarray(0, b.length + cut) : Uint8Array.from([...b, ...new Array<number>(cut).fill(0)]))),
    ),
);

test('parseCommand throws only ApduParseError, and whatever it accepts re-encodes to the same bytes', (t) => {
  fc.assert(
    fc.property(apduLike, (bytes) => {
      let p;
      try {
        p = parseCommand(bytes);
      } catch (e) {
        if (e instanceof ApduParseError) return true;
        throw e;
      }
      return byteDifference(encodeCommand(p), bytes) === undefined;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('decodeResponse throws only ApduParseError and inverts encodeResponse', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      try {
        const r = decodeResponse(bytes);
        return byteDifference(encodeResponse(r), bytes) === undefined;
      } catch (e) {
        if (e instanceof ApduParseError) return bytes.length < 2;
        throw e;
      }
    }),
    { numRuns: 500 },
  );
  t.pass();
});

/** Run fn; a thrown error must be an instance of `typed` (and so a SchsmError). */
function onlyTyped(fn: () => unknown, typed: abstract new (...args: never[]) => SchsmError): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof typed && e instanceof SchsmError) return true;
    throw e;
  }
}

/** TLV-ish bytes: random, plus fragments with long tags and long-form lengths. */
const tlvLike = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .array(fc.oneof(byte, fc.constantFrom(0x1f, 0x5f, 0x7f, 0xff, 0x80, 0x81, 0x82, 0x83, 0x84, 0x00, 0x30, 0xa0)), { maxLength: 40 })
    .map((a) => Uint8Array.from(a)),
);

test('decodeTlvs / decodeTlv / formatTlv throw only TlvError on arbitrary bytes', (t) => {
  fc.assert(
    fc.property(tlvLike, fc.boolean(), (bytes, allowPadding) => {
      return (
        onlyTyped(() => decodeTlvs(bytes, { allowPadding }), TlvError) &&
        onlyTyped(() => decodeTlv(bytes), TlvError) &&
        onlyTyped(() => formatTlv(bytes), TlvError)
      );
    }),
    { numRuns: 1500 },
  );
  t.pass();
});

const mini = (chars: string, maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });
const HEXISH = '0123456789abcdefABCDEF :/=xX.\t';

test('fromHex throws only HexError', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), mini(HEXISH)), (s) => onlyTyped(() => fromHex(s), HexError)),
    { numRuns: 800 },
  );
  t.pass();
});

test('parseSwPattern throws only ScriptError', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), mini('09aFcCxX. =', 8)), (s) => onlyTyped(() => parseSwPattern(s), ScriptError)),
    { numRuns: 800 },
  );
  t.pass();
});

test('parseApduText throws only ScriptError', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), mini(HEXISH, 60), mini('0A:/=8x ', 20)), (s) =>
      onlyTyped(() => parseApduText(s), ScriptError),
    ),
    {
      numRuns: 1500,
    },
  );
  t.pass();
});

test('parseScript throws only ScriptError', (t) => {
  const line = fc.oneof(
    mini(`${HEXISH}#\\`, 30),
    fc.constantFrom('reset', 'exit', '# note', '\\', '00A4040000', '80 58 00 00 \\', '=9000', ''),
  );
  const script = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.array(line, { maxLength: 8 }).map((l) => l.join('\n')),
  );
  fc.assert(
    fc.property(script, (s) => onlyTyped(() => parseScript(s, 'fuzz.apdu'), ScriptError)),
    { numRuns: 1500 },
  );
  t.pass();
});

// --- BER-TLV round trip ------------------------------------------------------------------------------
/** Valid tag numbers of 1, 2 and 3 bytes (X.690 §8.1.2). */
const tag = fc.oneof(
  byte.filter((b) => (b & 0x1f) !== 0x1f),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0x1f, max: 0x7f })).map(([hi, b1]) => (((hi << 5) | 0x1f) << 8) | b1),
  fc
    .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0x81, max: 0xff }), fc.integer({ min: 0, max: 0x7f }))
    .map(([hi, b1, b2]) => (((hi << 5) | 0x1f) << 16) | (b1 << 8) | b2),
);
const tlvLength = fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000), fc.integer({ min: 0, max: 400 }));

test('decodeTlv(encodeTlv(tag, value)) round-trips 1–3-byte tags and lengths at every length-form boundary', (t) => {
  fc.assert(
    fc.property(tag, tlvLength, byte, (tg, len, fill) => {
      const value = new Uint8Array(len).fill(fill);
      const enc = encodeTlv(tg, value);
      const tagBytes = tg > 0xffff ? 3 : tg > 0xff ? 2 : 1;
      const lenBytes = len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
      const dec = decodeTlv(enc);
      const first = tg >>> (8 * (tagBytes - 1));
      return (
        dec.tag === tg &&
        dec.headerLength === tagBytes + lenBytes &&
        enc.length === tagBytes + lenBytes + len &&
        dec.constructed === ((first & 0x20) !== 0) &&
        byteDifference(dec.value, value) === undefined
      );
    }),
    { numRuns: 300 },
  );
  t.pass();
});
