/**
 * A small deterministic mutation engine for the fuzzer: a seeded PRNG (xorshift128+ style, 32-bit
 * halves) and mutators for bytes and text that keep inputs close to real ones (corpus entries with
 * bytes flipped, cut, spliced, lengths set to boundary values) with a share of pure random inputs.
 */
export class Rng {
  private a: number;
  private b: number;
  constructor(seed: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.b = (seed * 0x85ebca6b) >>> 0 || 2;
  }
  /** 32 random bits. */
  next(): number {
    let x = this.a;
    const y = this.b;
    this.a = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.b = x >>> 0;
    return (this.a + this.b) >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

const BOUNDARY = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff, 0xfe, 0x1f, 0x20, 0x30, 0x04];

/** One to four edits of `base`: set, insert, delete, duplicate, splice with `other`, truncate. */
export function mutateBytes(rng: Rng, base: Uint8Array, other: Uint8Array): Uint8Array {
  let b = Array.from(base);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(7)) {
      case 0:
        if (b.length > 0) b[at % b.length] = rng.next() & 0xff;
        break;
      case 1:
        if (b.length > 0) b[at % b.length] = rng.pick(BOUNDARY);
        break;
      case 2:
        b.splice(at, 0, ...rng.bytes(1 + rng.int(8)));
        break;
      case 3:
        b.splice(at, 1 + rng.int(16));
        break;
      case 4:
        b.splice(at, 0, ...b.slice(at, at + 1 + rng.int(32)));
        break;
      case 5: {
        const from = rng.int(other.length + 1);
        b = [...b.slice(0, at), ...other.subarray(from, from + 1 + rng.int(64))];
        break;
      }
      default:
        b = b.slice(0, at);
    }
  }
  return Uint8Array.from(b);
}

const TOKENS = [
  '\n',
  ' ',
  '..',
  '*',
  '#',
  '=>',
  '<=',
  'reset',
  '@',
  'ms',
  ':',
  '/',
  '=',
  '"',
  '\\',
  '\r\n',
  '00',
  'FF',
  '9000',
  '9999999999999999999999',
  '\t',
  '\u0000',
  'é',
  '💥',
];

/** One to four edits of text: characters or protocol tokens inserted, lines dropped or repeated, cut. */
export function mutateText(rng: Rng, base: string, other: string): string {
  let s = base;
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(6)) {
      case 0:
        s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + String.fromCharCode(rng.int(128)) + s.slice(at + 1);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1 + rng.int(40));
        break;
      case 3: {
        const end = s.indexOf('\n', at);
        const lineText = s.slice(at, end < 0 ? s.length : end + 1);
        s = s.slice(0, at) + lineText + s.slice(at);
        break;
      }
      case 4: {
        const from = rng.int(other.length + 1);
        s = s.slice(0, at) + other.slice(from, from + 1 + rng.int(200)) + s.slice(at);
        break;
      }
      default:
        s = s.slice(0, at);
    }
  }
  return s;
}

/** Random printable-ish text with protocol tokens. */
export function randomText(rng: Rng, max = 200): string {
  let s = '';
  const n = rng.int(max);
  while (s.length < n) s += rng.int(3) === 0 ? rng.pick(TOKENS) : String.fromCharCode(32 + rng.int(95));
  return s;
}
