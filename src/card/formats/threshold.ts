/**
 * n-of-m split of a DKEK-share password, arithmetic compatible with sc-hsm-tool (§8.3):
 * password = 8 random bytes with the first byte & 0x7F (secret s < 2^63), p = a random 64-bit safe
 * prime > s, f(x) = s + a1·x + … + a(t−1)·x^(t−1) mod p with a_i uniform in [0, p), share k = (x_k, f(x_k)).
 * Reconstruction is Lagrange interpolation at 0.
 *
 * Two deliberate differences from sc-hsm-tool, both compatible with it:
 * - Share IDs: the tool prints x in decimal but reads it back as hex, so its own shares ≥ 10 fail. We
 *   give share number k the x whose HEX digits are the DECIMAL digits of k (k = 10 → x = 0x10), and
 *   print x in hex (see threshold-text.ts). The printed ID then reads as "share 10" to people and as the
 *   right x to sc-hsm-tool and to us. For k ≤ 9 this is exactly what sc-hsm-tool does.
 * - The reconstructed secret is left-padded to 8 bytes (the tool's BN_bn2bin drops a leading 00 byte,
 *   which breaks 1 in 128 passwords).
 * - Our own passwords never start with 00 (first byte 01..7F): sc-hsm-tool would rebuild such a
 *   password as 7 bytes and derive the wrong key, so 1 in 128 of our share sets would not open there.
 */
import { generatePrimeSync, randomBytes } from 'node:crypto';
import { FormatInputError } from './errors.ts';

/** Length of the generated password (pwlen of the EVP_BytesToKey call, §8.3 step 2). */
export const THRESHOLD_PASSWORD_LENGTH = 8;

/** One password share: x (the share ID) and y = f(x) mod p. */
export interface PasswordShare {
  readonly id: bigint;
  readonly value: bigint;
}

export interface PasswordSplit {
  readonly prime: bigint;
  readonly threshold: number;
  readonly shares: readonly PasswordShare[];
}

export interface SplitOptions {
  /** Use this prime instead of a random 64-bit safe prime (tests, reproducible vectors). Must be > secret. */
  readonly prime?: bigint;
  /** Use these polynomial coefficients a1..a(t−1) instead of random ones (tests). */
  readonly coefficients?: readonly bigint[];
}

/** Bytes as an unsigned big-endian integer. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Unsigned big-endian integer as exactly `length` bytes (left-padded with zeros). */
export function bigintToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) throw new FormatInputError(`value does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = length - 1, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/**
 * A fresh threshold password: 8 bytes with the first byte & 0x7F, and that byte not 00 (see above).
 * sc-hsm-tool takes the bytes from the card's GET CHALLENGE; pass them as `random` to do the same (bytes
 * whose first byte masks to 00 are refused: draw again), else node's CSPRNG is used, drawing again
 * until the first byte is 01..7F.
 */
export function thresholdPassword(random?: Uint8Array): Uint8Array {
  if (random === undefined) {
    for (;;) {
      const drawn = new Uint8Array(randomBytes(THRESHOLD_PASSWORD_LENGTH));
      if (((drawn[0] ?? 0) & 0x7f) !== 0) return thresholdPassword(drawn);
    }
  }
  if (random.length !== THRESHOLD_PASSWORD_LENGTH) throw new FormatInputError(`need 8 random bytes, got ${random.length}`);
  const pw = random.slice();
  pw[0] = (pw[0] ?? 0) & 0x7f;
  if (pw[0] === 0) {
    throw new FormatInputError(
      "the password's first byte masks to 00: sc-hsm-tool would rebuild it as 7 bytes and derive another key; draw new random bytes",
    );
  }
  return pw;
}

/** x of share number k (1-based): the decimal digits of k read as hex (1..9 → 1..9, 10 → 0x10, 25 → 0x25). */
export function shareIdForNumber(k: number): bigint {
  if (!Number.isInteger(k) || k < 1) throw new FormatInputError(`share number must be a positive integer, got ${k}`);
  return BigInt(`0x${k}`);
}

function uniformBelow(p: bigint): bigint {
  const bytes = (p.toString(16).length + 1) >> 1;
  for (;;) {
    const v = bytesToBigint(new Uint8Array(randomBytes(bytes)));
    if (v < p) return v;
  }
}

function randomPrimeAbove(secret: bigint): bigint {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const p = generatePrimeSync(64, { safe: true, bigint: true });
    if (p > secret) return p;
  }
  throw new FormatInputError('could not generate a 64-bit safe prime above the secret');
}

function checkSplitParameters(threshold: number, total: number): void {
  if (!Number.isInteger(total) || total < 3 || total > 255) {
    throw new FormatInputError(`total number of password shares must be 3..255 (sc-hsm-tool needs ≥ 3), got ${total}`);
  }
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > total) {
    throw new FormatInputError(`threshold must be 2..${total} (at most the total number of shares), got ${threshold}`);
  }
}

/** f(x) mod p by Horner's rule; coefficients[0] = secret. */
function evaluate(coefficients: readonly bigint[], x: bigint, p: bigint): bigint {
  let y = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) y = (y * x + (coefficients[i] ?? 0n)) % p;
  return y;
}

/** Split an 8-byte password into `total` shares of which any `threshold` reconstruct it. */
export function splitPassword(password: Uint8Array, threshold: number, total: number, options: SplitOptions = {}): PasswordSplit {
  checkSplitParameters(threshold, total);
  if (password.length !== THRESHOLD_PASSWORD_LENGTH)
    throw new FormatInputError(`threshold password must be 8 bytes, got ${password.length}`);
  const secret = bytesToBigint(password);
  const prime = options.prime ?? randomPrimeAbove(secret);
  if (prime <= secret) throw new FormatInputError('the prime must be larger than the secret');
  const extra = options.coefficients ?? Array.from({ length: threshold - 1 }, () => uniformBelow(prime));
  if (extra.length !== threshold - 1) throw new FormatInputError(`need ${threshold - 1} coefficients, got ${extra.length}`);
  const coefficients = [secret, ...extra];
  const shares = Array.from({ length: total }, (_, i) => {
    const id = shareIdForNumber(i + 1);
    return { id, value: evaluate(coefficients, id, prime) };
  });
  return { prime, threshold, shares };
}

/** a^−1 mod p (p prime, a ≠ 0 mod p) by the extended Euclidean algorithm. */
function inverse(a: bigint, p: bigint): bigint {
  let [r0, r1] = [((a % p) + p) % p, p];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % p) + p) % p;
}

function checkShares(prime: bigint, shares: readonly PasswordShare[]): void {
  if (prime < 3n) throw new FormatInputError('the prime must be at least 3');
  if (shares.length < 2) throw new FormatInputError(`need at least 2 password shares, got ${shares.length}`);
  const seen = new Set<bigint>();
  for (const s of shares) {
    const x = s.id % prime;
    if (s.id <= 0n || x === 0n) throw new FormatInputError(`share ID ${s.id.toString(16)} is not usable (must be non-zero mod the prime)`);
    if (seen.has(x)) throw new FormatInputError(`share ID ${s.id.toString(16)} was given twice`);
    seen.add(x);
  }
}

/**
 * Lagrange interpolation at 0: s = Σ y_i · Π_{j≠i} x_j / (x_j − x_i) mod p, returned as 8 bytes (left-padded).
 * With fewer than t (or wrong) shares this yields a wrong password; only the `.pbe` padding check detects it.
 */
export function reconstructPassword(prime: bigint, shares: readonly PasswordShare[]): Uint8Array {
  checkShares(prime, shares);
  let secret = 0n;
  for (const [i, si] of shares.entries()) {
    let num = 1n;
    let den = 1n;
    for (const [j, sj] of shares.entries()) {
      if (i === j) continue;
      num = (num * sj.id) % prime;
      den = (den * (((sj.id - si.id) % prime) + prime)) % prime;
    }
    secret = (secret + (si.value % prime) * num * inverse(den, prime)) % prime;
  }
  if (secret >= 1n << 64n) throw new FormatInputError('the reconstructed secret is longer than 8 bytes: wrong prime or shares');
  return bigintToBytes(secret, THRESHOLD_PASSWORD_LENGTH);
}
