/**
 * Test-only byte builders, deliberately independent of src/apdu (no fromHex, no encoder): the oracle
 * that expected bytes in tests are written with.
 *
 *   apdu`00 A4 04 0C | 0B | ${aid}`      → Uint8Array
 *
 * Literal text: pairs of hex digits; whitespace, `|` and `:` only separate (use `|` to show the APDU
 * layout, as in `CLA INS P1 P2 | Lc(3) | data | Le(2)`). Every separated group must have an even number
 * of digits, so a typo never shifts the following bytes. Interpolated values: a Uint8Array or number[]
 * (inserted as is), a number (one byte, 0..255) or a string (hex, same rules as the literal text).
 */
export type ApduPart = Uint8Array | readonly number[] | number | string;

const DIGITS = '0123456789abcdef';

function hexGroups(text: string, where: string): number[] {
  const out: number[] = [];
  for (const group of text.split(/[\s|:]+/)) {
    if (group === '') continue;
    if (group.length % 2 !== 0) throw new TypeError(`apdu helper: odd hex group ${JSON.stringify(group)} in ${where}`);
    for (let i = 0; i < group.length; i += 2) {
      const hi = DIGITS.indexOf(group.charAt(i).toLowerCase());
      const lo = DIGITS.indexOf(group.charAt(i + 1).toLowerCase());
      if (hi < 0 || lo < 0) throw new TypeError(`apdu helper: not hex ${JSON.stringify(group)} in ${where}`);
      out.push(hi * 16 + lo);
    }
  }
  return out;
}

function partBytes(value: ApduPart, where: string): number[] {
  if (typeof value === 'string') return hexGroups(value, where);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new TypeError(`apdu helper: ${value} is not a byte (${where})`);
    return [value];
  }
  return Array.from(value);
}

/** Tagged template: hex text plus interpolated byte values → bytes. */
export function apdu(strings: TemplateStringsArray, ...values: readonly ApduPart[]): Uint8Array {
  const out: number[] = [];
  strings.forEach((s, i) => {
    out.push(...hexGroups(s, `literal part ${i}`));
    const v = values[i];
    if (i < values.length && v !== undefined) {
      for (const b of partBytes(v, `value ${i}`)) out.push(b);
    }
  });
  return Uint8Array.from(out);
}

/** Plain hex string → bytes with the same rules (for tables). */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(hexGroups(text, 'hex()'));
}

/** `n` bytes counting up from `start` (mod 256): recognisable data whose every offset differs locally. */
export function seq(n: number, start = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (start + i) & 0xff;
  return out;
}

/** Upper-case spaced hex, for readable assertion messages (independent of src/apdu/hex.ts). */
export function spaced(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/**
 * Compare bytes and describe the first difference (offset, both lengths, a window around it) instead of
 * letting ava diff two 64 KiB arrays. Returns undefined when equal.
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return undefined;
  const from = Math.max(0, i - 4);
  const win = (b: Uint8Array): string => spaced(b.subarray(from, i + 8));
  return `bytes differ at offset ${i} (actual ${actual.length} bytes, expected ${expected.length}):\n  actual   …${win(actual)}\n  expected …${win(expected)}`;
}

/** Minimal assertion surface shared by ava's ExecutionContext. */
interface Asserts {
  fail(message?: string): void;
  pass(message?: string): void;
}

/** Assert equal bytes with a short, precise message. */
export function assertBytes(t: Asserts, actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  const diff = byteDifference(actual, expected);
  if (diff === undefined) t.pass();
  else t.fail(`${what}: ${diff}`);
}
