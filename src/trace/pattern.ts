import { TraceParseError } from './errors.ts';

/**
 * `n` bytes from the CSPRNG, through Web Crypto (at most 65536 bytes a call): node:crypto imported at
 * load cost every `schsm apdu` ~10 ms (it loads Node's stream modules too) for the rare replay that
 * fills masked bytes at random (issue 11 item 3); globalThis.crypto loads on first use.
 */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/**
 * The byte patterns of trace lines: hex bytes, `..` = any one byte (a masked byte: a redacted secret or
 * a byte that legitimately varies), `*` = any number of bytes, zero included (variable-length
 * signatures, DER, generated keys). Whitespace may separate tokens but never splits a byte.
 *
 * Representation (one shape for every pattern, so the hot paths stay monomorphic):
 * - `bytes`: the concrete bytes in order, a masked byte stored as 00;
 * - `masked`: 1 per masked byte, or undefined when no byte is masked;
 * - `stars`: offsets into `bytes` where a `*` stands (before the byte at that offset; `bytes.length`
 *   for a trailing `*`), ascending, or undefined when there is none.
 */
export interface HexPattern {
  readonly bytes: Uint8Array;
  readonly masked: Uint8Array | undefined;
  readonly stars: readonly number[] | undefined;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}
/**
 * Two characters (each < 128) → their byte, 256 for "..", -1 otherwise: one lookup per token. Filled
 * pair by pair over the 22 hex digits, not over all 128 × 128 codes: this runs once in V8's interpreter
 * at every start of a command that annotates, and the full loop cost ~0.4 ms of it (issue 11 item 3).
 */
const PAIR = new Int16Array(128 * 128).fill(-1);
const HEX_DIGITS = '0123456789ABCDEFabcdef';
for (let i = 0; i < HEX_DIGITS.length; i++) {
  const a = HEX_DIGITS.charCodeAt(i);
  for (let j = 0; j < HEX_DIGITS.length; j++) {
    const b = HEX_DIGITS.charCodeAt(j);
    PAIR[(a << 7) | b] = ((HEX_VALUE[a] as number) << 4) | (HEX_VALUE[b] as number);
  }
}
PAIR[(46 << 7) | 46] = 256;
const DIGITS = '0123456789ABCDEF';
const BYTE_HEX: string[] = Array.from({ length: 256 }, (_, b) => (DIGITS[b >> 4] ?? '') + (DIGITS[b & 15] ?? ''));

/**
 * Parsed bytes go into a shared arena and patterns get views of it: a long trace then costs a few
 * large allocations instead of one small ArrayBuffer per line (the parser's hot path; the views are
 * never written to after parsing). Mask flags of patterns with `..` go into a second, smaller arena
 * the same way. Views are made with `new Uint8Array(buffer, offset, length)`, which skips the species
 * lookup of `subarray`.
 */
const ARENA_SIZE = 1 << 20;
const MASK_ARENA_SIZE = 1 << 16;
// empty until the first parse needs room (reserve, maskView): a command that parses nothing allocates nothing
let arena = new Uint8Array(0);
let arenaPos = 0;
let maskArena = new Uint8Array(0);
let maskArenaPos = 0;
let scratchMask = new Uint8Array(1024);

/**
 * Patterns parsed before, by hash: a trace repeats the same lines byte for byte (SELECTs, status
 * queries, status-word-only responses), and such a line then gives the same (immutable) pattern object
 * instead of new bytes in the arena, a new view and a new object each time. Direct-mapped, bounded,
 * and emptied when a new arena starts, so it never keeps an old arena alive (streamed traces stay
 * bounded in memory). Patterns with `*` are not interned.
 */
const INTERN_SLOTS = 4096;
let interned: (HexPattern | undefined)[] | undefined; // made at the first pattern: see annotate.ts's tables

/** Make room for `max` bytes at `arenaPos` (and as many mask flags in the scratch). */
function reserve(max: number): void {
  if (arena.length - arenaPos < max) {
    arena = new Uint8Array(Math.max(ARENA_SIZE, max));
    arenaPos = 0;
    interned?.fill(undefined);
  }
  if (scratchMask.length < max) scratchMask = new Uint8Array(max * 2);
}

/** The first `n` flags of the scratch, copied into the mask arena. */
function maskView(n: number): Uint8Array {
  if (maskArena.length - maskArenaPos < n) {
    maskArena = new Uint8Array(Math.max(MASK_ARENA_SIZE, n));
    maskArenaPos = 0;
    interned?.fill(undefined);
  }
  const at = maskArenaPos;
  maskArena.set(n === scratchMask.length ? scratchMask : scratchMask.subarray(0, n), at);
  maskArenaPos = at + n;
  return new Uint8Array(maskArena.buffer, at, n);
}

/** A pattern of concrete bytes (no masks). The array is used as is, not copied. */
export function concretePattern(bytes: Uint8Array): HexPattern {
  return { bytes, masked: undefined, stars: undefined };
}

let stoppedAt = 0;

/** Where the last `parseHexPattern` call with `stopAtMark` stopped: a `#` or `@`, or its `end`. */
export function lastPatternEnd(): number {
  return stoppedAt;
}

/** The error for the character at `i` (a separate function: a closure would put the loop's state on the heap). */
function patternError(what: string, text: string, start: number, i: number, line: number | undefined, file: string | undefined): never {
  throw new TraceParseError(`${what} at column ${i - lineStart(text, start) + 1}`, line, file);
}

/**
 * Parse `text[start, end)` as a pattern. Errors name `line` (and `file`) and the column (1-based).
 * With `stopAtMark`, parsing ends at the first `#` or `@` (see `lastPatternEnd`), so the trace parser
 * finds a line's note and timing in the same pass. Hot path: one pass, no intermediate strings, no
 * closure; mask flags are written only once a `..` has been seen.
 */
export function parseHexPattern(text: string, start: number, end: number, line?: number, file?: string, stopAtMark = false): HexPattern {
  let n = 0;
  let anyMasked = false;
  let stars: number[] | undefined;
  let i = start;
  reserve((end - start + 1) >> 1);
  const out = arena;
  const mask = scratchMask;
  const base = arenaPos;
  let hash = 0x811c9dc5 | 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    const c2 = i + 1 < end ? text.charCodeAt(i + 1) : 0;
    const v = (c | c2) < 128 ? (PAIR[(c << 7) | c2] ?? -1) : -1;
    if (v >= 0) {
      // The common tokens: a hex byte or "..", usually followed by one blank.
      if (v < 256) {
        out[base + n] = v;
        hash = Math.imul(hash ^ v, 0x01000193);
        if (anyMasked) mask[n] = 0;
      } else {
        if (!anyMasked) {
          mask.fill(0, 0, n);
          anyMasked = true;
        }
        out[base + n] = 0;
        hash = Math.imul(hash ^ 0x100, 0x01000193);
        mask[n] = 1;
      }
      n++;
      i += 2;
      if (i < end && text.charCodeAt(i) === 32) i++;
      continue;
    }
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    // Anything else: a star, the end mark, or an error (a lone hex digit or ".").
    if (c < 128 && (HEX_VALUE[c] ?? -1) >= 0) {
      patternError(`half a byte: hex digit ${JSON.stringify(text[i])} without its pair`, text, start, i, line, file);
    } else if (c === 46 /* . */) {
      patternError('a single "." (a masked byte is "..")', text, start, i, line, file);
    } else if (c === 42 /* * */) {
      (stars ??= []).push(n);
      i++;
    } else if (stopAtMark && (c === 35 /* # */ || c === 64) /* @ */) {
      break;
    } else {
      patternError(`unexpected character ${JSON.stringify(text[i])} (bytes are hex pairs, ".." or "*")`, text, start, i, line, file);
    }
  }
  stoppedAt = Math.min(i, end);
  if (stars !== undefined) {
    arenaPos = base + n;
    return { bytes: new Uint8Array(out.buffer, base, n), masked: anyMasked ? maskView(n) : undefined, stars };
  }
  const slot = (hash ^ (hash >>> 15) ^ n) & (INTERN_SLOTS - 1);
  const known = interned?.[slot];
  if (known !== undefined && sameAsParsed(known, out, base, n, anyMasked ? mask : undefined)) return known;
  arenaPos = base + n;
  const p: HexPattern = { bytes: new Uint8Array(out.buffer, base, n), masked: anyMasked ? maskView(n) : undefined, stars: undefined };
  (interned ??= new Array<HexPattern | undefined>(INTERN_SLOTS).fill(undefined))[slot] = p;
  return p;
}

/** Is `p` the pattern just parsed into `out[base, base + n)` with mask flags `mask` (undefined: none)? */
function sameAsParsed(p: HexPattern, out: Uint8Array, base: number, n: number, mask: Uint8Array | undefined): boolean {
  const b = p.bytes;
  if (b.length !== n || (p.masked === undefined) !== (mask === undefined)) return false;
  for (let k = 0; k < n; k++) if (b[k] !== out[base + k]) return false;
  const m = p.masked;
  if (m !== undefined && mask !== undefined) for (let k = 0; k < n; k++) if (m[k] !== mask[k]) return false;
  return true;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Parse a whole string as a pattern (convenience for tests and the CLI). */
export function parsePattern(text: string): HexPattern {
  return parseHexPattern(text, 0, text.length);
}

/** `00 A4 .. * 90 00`: upper-case bytes separated by `separator`. */
export function formatPattern(p: HexPattern, separator = ' '): string {
  const { bytes, masked, stars } = p;
  if (masked === undefined && stars === undefined) {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += i === 0 ? BYTE_HEX[bytes[i] ?? 0] : separator + BYTE_HEX[bytes[i] ?? 0];
    return out;
  }
  const parts: string[] = [];
  let s = 0;
  for (let i = 0; i <= bytes.length; i++) {
    while (stars !== undefined && stars[s] === i) {
      parts.push('*');
      s++;
    }
    if (i < bytes.length) parts.push(masked?.[i] === 1 ? '..' : (BYTE_HEX[bytes[i] ?? 0] ?? ''));
  }
  return parts.join(separator);
}

/** True when the pattern is plain bytes. */
export function isConcrete(p: HexPattern): boolean {
  return p.masked === undefined && p.stars === undefined;
}

function segmentMatches(p: HexPattern, from: number, to: number, actual: Uint8Array, at: number): boolean {
  const { bytes, masked } = p;
  for (let k = from; k < to; k++) {
    if (masked !== undefined && masked[k] === 1) continue;
    if (bytes[k] !== actual[at + k - from]) return false;
  }
  return true;
}

/** Does `actual` match the pattern (`..` any byte, `*` any run of bytes)? */
export function matchesPattern(p: HexPattern, actual: Uint8Array): boolean {
  const { bytes, stars } = p;
  if (stars === undefined) return actual.length === bytes.length && segmentMatches(p, 0, bytes.length, actual, 0);
  if (actual.length < bytes.length) return false;
  const first = stars[0] ?? 0;
  const last = stars[stars.length - 1] ?? 0;
  if (!segmentMatches(p, 0, first, actual, 0)) return false;
  const tail = bytes.length - last;
  if (!segmentMatches(p, last, bytes.length, actual, actual.length - tail)) return false;
  let pos = first;
  const limit = actual.length - tail;
  for (let s = 1; s < stars.length; s++) {
    const from = stars[s - 1] ?? 0;
    const to = stars[s] ?? 0;
    const len = to - from;
    let at = pos;
    while (at + len <= limit && !segmentMatches(p, from, to, actual, at)) at++;
    if (at + len > limit) return false;
    pos = at + len;
  }
  return true;
}

/** How replay turns masked response bytes into concrete ones. */
export type MaskFill = 'zero' | 'random';

/**
 * Concrete bytes for a pattern: masked bytes become 00 (`zero`, the default: deterministic replays) or
 * random bytes (`random`); a `*` contributes no bytes.
 */
export function fillPattern(p: HexPattern, fill: MaskFill = 'zero'): Uint8Array {
  const out = Uint8Array.from(p.bytes);
  if (p.masked === undefined) return out;
  const random = fill === 'random' ? randomBytes(out.length) : undefined;
  for (let i = 0; i < out.length; i++) if (p.masked[i] === 1) out[i] = random?.[i] ?? 0;
  return out;
}

/** A copy of `p` with the bytes in [start, end) ranges masked as well. */
export function maskRanges(p: HexPattern, ranges: readonly { readonly start: number; readonly end: number }[]): HexPattern {
  if (ranges.length === 0) return p;
  const bytes = Uint8Array.from(p.bytes);
  const masked = p.masked === undefined ? new Uint8Array(bytes.length) : Uint8Array.from(p.masked);
  for (const r of ranges) {
    for (let i = Math.max(0, r.start); i < Math.min(bytes.length, r.end); i++) {
      masked[i] = 1;
      bytes[i] = 0;
    }
  }
  return { bytes, masked, stars: p.stars };
}

/** Bytes masked in the pattern (count). */
export function maskedCount(p: HexPattern): number {
  let n = 0;
  if (p.masked !== undefined) for (let i = 0; i < p.masked.length; i++) n += p.masked[i] ?? 0;
  return n;
}

/**
 * Could one byte string match both patterns? Exact for patterns without `*`; with a `*` on one side the
 * other side's bytes are matched against it (its own masks match anything); with `*` on both sides only
 * the parts before the first and after the last `*` are compared. Used by `diff`.
 */
export function patternsCompatible(a: HexPattern, b: HexPattern): boolean {
  if (a.stars === undefined && b.stars === undefined) {
    if (a.bytes.length !== b.bytes.length) return false;
    for (let i = 0; i < a.bytes.length; i++) {
      if (a.masked?.[i] === 1 || b.masked?.[i] === 1) continue;
      if (a.bytes[i] !== b.bytes[i]) return false;
    }
    return true;
  }
  if (a.stars !== undefined && b.stars !== undefined) return edgesCompatible(a, b);
  const [glob, plain] = a.stars !== undefined ? [a, b] : [b, a];
  return matchesPattern(glob, plain.bytes) || (plain.masked !== undefined && edgesCompatible(glob, plain));
}

function edgesCompatible(a: HexPattern, b: HexPattern): boolean {
  const head = Math.min(a.stars?.[0] ?? a.bytes.length, b.stars?.[0] ?? b.bytes.length);
  for (let i = 0; i < head; i++) if (!byteCompatible(a, i, b, i)) return false;
  const tailA = a.bytes.length - (a.stars?.[a.stars.length - 1] ?? 0);
  const tailB = b.bytes.length - (b.stars?.[b.stars.length - 1] ?? 0);
  const tail = Math.min(tailA, tailB);
  for (let k = 1; k <= tail; k++) if (!byteCompatible(a, a.bytes.length - k, b, b.bytes.length - k)) return false;
  return true;
}

function byteCompatible(a: HexPattern, i: number, b: HexPattern, j: number): boolean {
  return a.masked?.[i] === 1 || b.masked?.[j] === 1 || a.bytes[i] === b.bytes[j];
}

/** Pattern equality (same bytes, masks and stars). */
export function patternsEqual(a: HexPattern, b: HexPattern): boolean {
  return formatPattern(a, '') === formatPattern(b, '');
}
