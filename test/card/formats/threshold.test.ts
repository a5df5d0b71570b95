import test from 'ava';
import {
  decryptDkekShareSync,
  encryptDkekShareSync,
  FormatInputError,
  reconstructPassword,
  shareIdForNumber,
  splitPassword,
  thresholdPassword,
  WrongPasswordError,
} from '../../../src/card/formats/index.ts';
import type { PasswordShare } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** All k-element subsets of `items`. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((item, i) => subsets(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));
}

// Expected shares computed with Python: (s + a1·x + a2·x²) mod p for p = 2^64 − 59.
test('2-degree polynomial shares match values computed independently', (t) => {
  const split = splitPassword(bytes('00a1b2c3d4e5f607'), 3, 5, {
    prime: 0xffffffffffffffc5n,
    coefficients: [0x1122334455667788n, 0x0fedcba987654321n],
  });
  t.deepEqual(
    split.shares.map((s) => [s.id, s.value]),
    [
      [1n, 0x21b1b1b1b1b1b0b0n],
      [2n, 0x629d47f29d47f19bn],
      [3n, 0xc364758697a8b8c8n],
      [4n, 0x44073a6da0d40672n],
      [5n, 0xe48596a7b8c9da23n],
    ],
  );
});

for (const [threshold, total] of [
  [2, 3],
  [3, 5],
  [2, 4],
  [4, 7],
  [5, 5],
] as const) {
  test(`${threshold}-of-${total}: every ${threshold}-subset reconstructs, every ${threshold - 1}-subset does not`, (t) => {
    const password = thresholdPassword();
    const split = splitPassword(password, threshold, total);
    t.true(split.prime >= 1n << 63n && split.prime < 1n << 64n, '64-bit prime');
    for (const set of subsets(split.shares, threshold)) t.is(hex(reconstructPassword(split.prime, set)), hex(password));
    t.is(hex(reconstructPassword(split.prime, split.shares)), hex(password), 'all shares together');
    for (const set of subsets(split.shares, threshold - 1)) {
      if (set.length < 2) t.throws(() => reconstructPassword(split.prime, set), { instanceOf: FormatInputError });
      else t.not(hex(reconstructPassword(split.prime, set)), hex(password));
    }
  });
}

test('thresholdPassword clears the top bit like sc-hsm-tool', (t) => {
  t.is(hex(thresholdPassword(bytes('ffffffffffffffff'))), '7fffffffffffffff');
  t.is(thresholdPassword().length, 8);
  t.true(Array.from({ length: 50 }, () => thresholdPassword()[0] ?? 255).every((b) => b < 0x80));
});

test('thresholdPassword never starts with 00, which sc-hsm-tool would rebuild as 7 bytes', (t) => {
  t.is(hex(thresholdPassword(bytes('0111111111111111'))), '0111111111111111');
  for (const first of ['00', '80']) {
    t.throws(() => thresholdPassword(bytes(`${first}a1b2c3d4e5f6a7`)), { message: /first byte masks to 00.*7 bytes/ });
  }
  // 2000 draws: with a 1-in-128 chance per draw, a 00 would show about 16 times if not drawn again
  t.true(Array.from({ length: 2000 }, () => thresholdPassword()[0] ?? 0).every((b) => b >= 0x01 && b <= 0x7f));
});

test('a password starting with 00 comes back as 8 bytes (sc-hsm-tool would return 7)', (t) => {
  const password = bytes('0000a1b2c3d4e5f6');
  const split = splitPassword(password, 2, 3);
  const back = reconstructPassword(split.prime, split.shares.slice(1));
  t.is(back.length, 8);
  t.is(hex(back), '0000a1b2c3d4e5f6');
});

test('too few shares give a password that the .pbe padding check rejects', (t) => {
  const password = thresholdPassword();
  const split = splitPassword(password, 3, 5);
  const share = bytes('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');
  const file = encryptDkekShareSync(share, password, { iterations: 1000 });
  const good = reconstructPassword(split.prime, [split.shares[4], split.shares[0], split.shares[2]] as PasswordShare[]);
  t.is(hex(decryptDkekShareSync(file, good, { iterations: 1000 })), hex(share));
  const tooFew = reconstructPassword(split.prime, split.shares.slice(0, 2));
  t.throws(() => decryptDkekShareSync(file, tooFew, { iterations: 1000 }), { instanceOf: WrongPasswordError });
});

test('share numbers ≥ 10 get IDs whose hex reads like the decimal number', (t) => {
  t.deepEqual([1, 9, 10, 12, 25, 100].map(shareIdForNumber), [1n, 9n, 0x10n, 0x12n, 0x25n, 0x100n]);
  const password = thresholdPassword();
  const split = splitPassword(password, 3, 12);
  t.deepEqual(
    split.shares.map((s) => s.id.toString(16)),
    ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
  );
  t.is(hex(reconstructPassword(split.prime, split.shares.slice(9))), hex(password));
});

test('split parameters follow sc-hsm-tool: total ≥ 3, 2 ≤ threshold ≤ total', (t) => {
  const pw = thresholdPassword();
  t.throws(() => splitPassword(pw, 2, 2), { instanceOf: FormatInputError, message: /≥ 3/ });
  t.throws(() => splitPassword(pw, 1, 3), { instanceOf: FormatInputError });
  t.throws(() => splitPassword(pw, 4, 3), { instanceOf: FormatInputError });
  t.throws(() => splitPassword(new Uint8Array(7), 2, 3), { instanceOf: FormatInputError });
  t.throws(() => splitPassword(bytes('7fffffffffffffff'), 2, 3, { prime: 23n }), { instanceOf: FormatInputError });
});

test('reconstruction rejects duplicate, zero and too few shares', (t) => {
  const p = 0xffffffffffffffc5n;
  t.throws(() => reconstructPassword(p, [{ id: 1n, value: 5n }]), { instanceOf: FormatInputError, message: /at least 2/ });
  t.throws(
    () =>
      reconstructPassword(p, [
        { id: 1n, value: 5n },
        { id: 1n, value: 6n },
      ]),
    { instanceOf: FormatInputError, message: /twice/ },
  );
  t.throws(
    () =>
      reconstructPassword(p, [
        { id: 0n, value: 5n },
        { id: 1n, value: 6n },
      ]),
    { instanceOf: FormatInputError },
  );
});
