import test from 'ava';
import {
  decimalReadingDiffers,
  formatColonHex,
  formatPasswordShare,
  FormatInputError,
  parseColonHex,
  parsePasswordShareText,
  parseShareId,
  reconstructPassword,
  splitPassword,
} from '../../../src/card/formats/index.ts';
import type { PasswordShare } from '../../../src/card/formats/index.ts';

const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

test('numbers print as minimal big-endian lowercase colon hex, like sc_bin_to_hex(BN_bn2bin)', (t) => {
  t.is(formatColonHex(0xf56387254ba55ff3n), 'f5:63:87:25:4b:a5:5f:f3');
  t.is(formatColonHex(0x90909090909372n), '90:90:90:90:90:93:72');
  t.is(formatColonHex(0xabcn), '0a:bc');
  t.is(formatColonHex(0n), '00');
});

test('a share prints as the three sc-hsm-tool lines', (t) => {
  const text = formatPasswordShare(0xd1661d04da161be7n, { id: 0x10n, value: 0x0102n });
  t.is(text, 'Prime       : d1:66:1d:04:da:16:1b:e7\nShare ID    : 10\nShare value : 01:02');
});

test('custodian hex input accepts colons, spaces, upper case and 0x; rejects other characters', (t) => {
  t.is(parseColonHex(' F5:63 87:25:4b:a5:5f:f3 ', 'prime'), 0xf56387254ba55ff3n);
  t.is(parseColonHex('0xabc', 'prime'), 0xabcn);
  const err = t.throws(() => parseColonHex('f5:6g', 'share value'), { instanceOf: FormatInputError });
  t.is(err?.code, 'ERR_SCHSM_INVALID_INPUT');
  t.is(
    err?.message,
    "share value: character 4 (not counting ':' and spaces) is not a hex digit",
    'the position, never the text of a share',
  );
  t.throws(() => parseColonHex(' : ', 'prime'), { instanceOf: FormatInputError, message: /prime is empty/ });
});

test('share IDs are hex by default, 0x is always hex, decimal on request', (t) => {
  t.is(parseShareId('10'), 0x10n);
  t.is(parseShareId('a'), 10n);
  t.is(parseShareId('10', 'decimal'), 10n);
  t.is(parseShareId('0x10', 'decimal'), 16n);
  t.throws(() => parseShareId('a', 'decimal'), { instanceOf: FormatInputError });
  t.throws(() => parseShareId('0'), { instanceOf: FormatInputError, message: /ID 0/ });
  t.throws(() => parseShareId('1.5'), { instanceOf: FormatInputError });
  t.false(decimalReadingDiffers(['1', '9', '0x10']));
  t.true(decimalReadingDiffers(['3', '12']));
});

test('our printouts of a 3-of-12 split parse back and reconstruct (IDs ≥ 10)', (t) => {
  const password = bytes('1234567890abcdef');
  const split = splitPassword(password, 3, 12);
  const parsed = [9, 10, 11].map((i) => parsePasswordShareText(formatPasswordShare(split.prime, split.shares[i] as PasswordShare)));
  t.deepEqual(
    parsed.map((p) => p.idText),
    ['10', '11', '12'],
  );
  t.is(
    Buffer.from(
      reconstructPassword(
        split.prime,
        parsed.map((p) => p.share),
      ),
    ).toString('hex'),
    '1234567890abcdef',
  );
});

test('sc-hsm-tool printouts (x = 1..n, decimal IDs) reconstruct when read as decimal', (t) => {
  // Shares of the secret 0x1234567890abcdef with x = 10, 11, 12 printed in decimal, as sc-hsm-tool does.
  const p = 0xffffffffffffffc5n;
  // f(x) = s + 5x + 7x² mod p, evaluated here; the tool's x = 10..12:
  const toolText = [10n, 11n, 12n].map(
    (x) =>
      `Prime       : ${formatColonHex(p)}\nShare ID    : ${x.toString(10)}\nShare value : ${formatColonHex((0x1234567890abcdefn + 5n * x + 7n * x * x) % p)}`,
  );
  const asHex = toolText.map((s) => parsePasswordShareText(s));
  t.true(decimalReadingDiffers(asHex.map((s) => s.idText)));
  t.not(
    Buffer.from(
      reconstructPassword(
        p,
        asHex.map((s) => s.share),
      ),
    ).toString('hex'),
    '1234567890abcdef',
  );
  const asDecimal = toolText.map((s) => parsePasswordShareText(s, 'decimal'));
  t.is(
    Buffer.from(
      reconstructPassword(
        p,
        asDecimal.map((s) => s.share),
      ),
    ).toString('hex'),
    '1234567890abcdef',
  );
});

test('a share text without the labelled lines is rejected with a hint', (t) => {
  const err = t.throws(() => parsePasswordShareText('Prime : 05\nShare value : 01'), { instanceOf: FormatInputError });
  t.regex(err?.message ?? '', /Share ID/);
  t.truthy(err?.hint);
});
