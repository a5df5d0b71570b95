import test from 'ava';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { md5 } from '../../../src/card/formats/md5.ts';
import { digestToWords, md5Rehash16, wordsToDigest } from '../../../src/card/formats/md5-chain.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const nodeMd5 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('md5').update(b).digest());

// RFC 1321 appendix A.5 "test suite".
const RFC1321_SUITE: ReadonlyArray<readonly [string, string]> = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
];

for (const [input, digest] of RFC1321_SUITE) {
  test(`md5 RFC 1321 A.5: ${JSON.stringify(input.slice(0, 20))}`, (t) => {
    t.is(hex(md5(ascii(input))), digest);
  });
}

test('md5 equals node:crypto around the padding boundaries (0..200 bytes)', (t) => {
  for (let n = 0; n <= 200; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    t.is(hex(md5(data)), hex(nodeMd5(data)), `length ${n}`);
  }
});

test('md5 equals node:crypto for random inputs (property)', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => hex(md5(data)) === hex(nodeMd5(data))),
    { numRuns: 500 },
  );
  t.pass();
});

test('md5Rehash16 equals a node:crypto re-hash loop (property, counts 0..64)', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 64 }), (digest, count) => {
      let expected: Uint8Array = digest;
      for (let i = 0; i < count; i++) expected = nodeMd5(expected);
      const state = digestToWords(digest);
      md5Rehash16(state, count);
      return hex(wordsToDigest(state)) === hex(expected);
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('md5Rehash16 over 100 000 rounds equals node:crypto, also when split into slices', (t) => {
  let expected = nodeMd5(ascii('schsm'));
  const start = expected;
  for (let i = 0; i < 100_000; i++) expected = nodeMd5(expected);
  const whole = digestToWords(start);
  md5Rehash16(whole, 100_000);
  t.is(hex(wordsToDigest(whole)), hex(expected));
  const sliced = digestToWords(start);
  for (const n of [1, 65_535, 34_464]) md5Rehash16(sliced, n);
  t.is(hex(wordsToDigest(sliced)), hex(expected));
});

test('digestToWords reads little-endian words and rejects other lengths', (t) => {
  const words = digestToWords(Uint8Array.from({ length: 16 }, (_, i) => i));
  t.deepEqual([...words], [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);
  t.throws(() => digestToWords(new Uint8Array(15)), { instanceOf: RangeError });
});
