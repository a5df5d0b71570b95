/**
 * OpenSSL `EVP_BytesToKey(EVP_aes_256_cbc(), EVP_md5(), salt, password, count)` as used for `.pbe`
 * DKEK share files (§8.2):
 *   D1 = MD5^c(pw ‖ salt), D2 = MD5^c(D1 ‖ pw ‖ salt), D3 = MD5^c(D2 ‖ pw ‖ salt),
 *   key = D1 ‖ D2 (32 bytes), IV = D3 (16 bytes),
 * where MD5^c(x) hashes x once and then re-hashes the 16-byte digest c − 1 more times.
 *
 * The three chains are sequential (each needs the previous digest), so the work cannot be split over
 * cores. The async variant runs it in slices of CHUNK re-hashes (~6 ms each) with a setImmediate yield
 * between them, so the event loop stays responsive (Ctrl-C, TTY progress) without a worker thread; it is
 * also the fastest variant, because V8 optimises md5Rehash16 fully after the first call (one long
 * on-stack-replaced call measured ~30 % slower).
 */
import { md5 } from './md5.ts';
import { digestToWords, md5Rehash16, wordsToDigest } from './md5-chain.ts';
import { FormatInputError, OperationAbortedError } from './errors.ts';

/** Iteration count sc-hsm-tool hard-codes for `.pbe` files (`opt_iter`, §8.2). */
export const DKEK_SHARE_ITERATIONS = 10_000_000;

/** Re-hashes per slice between event-loop yields and progress reports. */
const CHUNK = 65_536;

export interface KeyAndIv {
  /** AES-256 key: D1 ‖ D2. */
  readonly key: Uint8Array;
  /** CBC IV: D3. */
  readonly iv: Uint8Array;
}

export interface DerivationOptions {
  /** Called after each slice with the fraction of the work done (0 < f ≤ 1); the last call reports 1. */
  readonly onProgress?: (fraction: number) => void;
  /** Cancels the derivation between slices (throws OperationAbortedError). */
  readonly signal?: AbortSignal;
}

/** A password as typed (UTF-8 encoded, as a terminal hands it to sc-hsm-tool) or raw bytes. */
export type Password = string | Uint8Array;

/** The password's bytes. */
export function passwordBytes(password: Password): Uint8Array {
  return typeof password === 'string' ? new TextEncoder().encode(password) : password;
}

function checkArguments(salt: Uint8Array, iterations: number): void {
  if (salt.length !== 8) throw new FormatInputError(`EVP_BytesToKey salt must be 8 bytes, got ${salt.length}`);
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new FormatInputError(`EVP_BytesToKey iteration count must be a positive integer, got ${iterations}`);
  }
}

/**
 * The derivation as a sequence of slices: yields the fraction done after each slice, returns the result.
 * Both the sync and the async entry points drive this generator.
 */
function* derivation(password: Uint8Array, salt: Uint8Array, iterations: number): Generator<number, KeyAndIv> {
  const digests: Uint8Array[] = [];
  const total = 3 * (iterations - 1);
  let done = 0;
  for (let chain = 0; chain < 3; chain++) {
    const previous = digests[chain - 1] ?? new Uint8Array(0);
    const input = new Uint8Array(previous.length + password.length + salt.length);
    input.set(previous, 0);
    input.set(password, previous.length);
    input.set(salt, previous.length + password.length);
    const state = digestToWords(md5(input));
    input.fill(0);
    for (let left = iterations - 1; left > 0; ) {
      const n = Math.min(CHUNK, left);
      md5Rehash16(state, n);
      left -= n;
      done += n;
      yield done / total;
    }
    digests.push(wordsToDigest(state));
    state.fill(0);
  }
  const [d1 = new Uint8Array(16), d2 = new Uint8Array(16), d3 = new Uint8Array(16)] = digests;
  const key = new Uint8Array(32);
  key.set(d1, 0);
  key.set(d2, 16);
  d1.fill(0);
  d2.fill(0);
  return { key, iv: d3 };
}

/** EVP_BytesToKey(aes-256-cbc, md5) synchronously (blocks the thread: ~2.6 s at count = 10 000 000). */
export function evpBytesToKeySync(password: Password, salt: Uint8Array, iterations: number): KeyAndIv {
  checkArguments(salt, iterations);
  const steps = derivation(passwordBytes(password), salt, iterations);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** EVP_BytesToKey(aes-256-cbc, md5), yielding to the event loop between slices. */
export async function evpBytesToKey(
  password: Password,
  salt: Uint8Array,
  iterations: number,
  options: DerivationOptions = {},
): Promise<KeyAndIv> {
  checkArguments(salt, iterations);
  const steps = derivation(passwordBytes(password), salt, iterations);
  let reported = 0;
  for (;;) {
    if (options.signal?.aborted === true) throw new OperationAbortedError('DKEK share key derivation', options.signal.reason);
    const r = steps.next();
    if (r.done === true) {
      if (reported < 1) options.onProgress?.(1);
      return r.value;
    }
    reported = r.value;
    options.onProgress?.(reported);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
