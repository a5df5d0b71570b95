// Issue 9 finding 15: formatTlv (library API) threw RangeError (call stack) at nesting depth ~10,000
// and its output grew with the square of the depth. The depth is capped with a typed error.
import test from 'ava';
import { formatTlv, MAX_TLV_DEPTH, TlvDepthError, TlvError } from '../../src/apdu/index.ts';
import { SchsmError } from '../../src/transport/errors.ts';

/** BER length bytes of `n`. */
function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n <= 0xff) return [0x81, n];
  if (n <= 0xffff) return [0x82, n >> 8, n & 0xff];
  return [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
}

/** `depth` SEQUENCEs (30) nested around an empty OCTET STRING (04 00); built outside-in, in linear time. */
function nested(depth: number): Uint8Array {
  const sizes = [2]; // sizes[i]: encoded size of the TLV i levels above the OCTET STRING
  for (let i = 1; i <= depth; i++) {
    const inner = sizes[i - 1] ?? 0;
    sizes.push(1 + lengthBytes(inner).length + inner);
  }
  const out = new Uint8Array(sizes[depth] ?? 0);
  let at = 0;
  for (let i = depth; i >= 1; i--) {
    const header = [0x30, ...lengthBytes(sizes[i - 1] ?? 0)];
    out.set(header, at);
    at += header.length;
  }
  out.set([0x04, 0x00], at);
  return out;
}

test('formatTlv at depth 10,000: a TlvDepthError (SchsmError, code ERR_SCHSM_TLV_DEPTH), not a RangeError', (t) => {
  const err = t.throws(() => formatTlv(nested(10_000)));
  t.true(err instanceof TlvDepthError, `${err?.name}: ${err?.message}`);
  t.true(err instanceof TlvError);
  t.true(err instanceof SchsmError);
  t.is((err as TlvDepthError).code, 'ERR_SCHSM_TLV_DEPTH');
  t.regex(err?.message ?? '', /nested deeper than 64 levels at offset \d+/);
});

test('formatTlv at depth 100,000 fails just as fast and as cleanly (no stack, no quadratic text)', (t) => {
  t.throws(() => formatTlv(nested(100_000)), { instanceOf: TlvDepthError });
});

test('formatTlv prints the deepest allowed nesting, each line at most MAX_TLV_DEPTH indents long', (t) => {
  t.is(MAX_TLV_DEPTH, 64);
  // 63 SEQUENCEs around the OCTET STRING: 64 levels (0..63), the last one primitive.
  const text = formatTlv(nested(MAX_TLV_DEPTH - 1));
  const lines = text.split('\n');
  t.is(lines.length, MAX_TLV_DEPTH);
  t.regex(lines[0] ?? '', /^30 /);
  t.is(lines[MAX_TLV_DEPTH - 1], `${'  '.repeat(MAX_TLV_DEPTH - 1)}04 OCTET STRING (0): `);
  for (const l of lines) t.true(l.length <= 2 * MAX_TLV_DEPTH + 40, l);
  // One level more is refused.
  t.throws(() => formatTlv(nested(MAX_TLV_DEPTH)), { instanceOf: TlvDepthError });
});
