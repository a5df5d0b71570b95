/**
 * Bounded reads of input files. Every file schsm reads has a size that fits its format (a DKEK share
 * file is 64 bytes, a wrapped key a few kB); an input larger than that is a mistake or an attack, and
 * reading it whole once made `schsm trace show /dev/zero` grow to 7.5 GB. So the size is checked
 * before reading (fstat, for regular files) and again while reading, because /dev/zero, /dev/urandom,
 * FIFOs and pipes have no size: at most limit + 1 bytes are ever read. The error names the file and the
 * limit (CLI exit code 2).
 */
import { fstatSync, openSync, closeSync, readSync, promises as fsp } from 'node:fs';
import { SchsmError } from './errors.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The size limit of each kind of input file, in bytes. */
export const INPUT_LIMITS = {
  /** sc-hsm-tool's .pbe DKEK share: "Salted__" ‖ 8-byte salt ‖ 48 bytes AES-256-CBC = 64 bytes. */
  dkekShare: 64,
  /** sc-hsm-tool's wrapped-key file: key blob ‖ PRKD ‖ certificate, each a few kB at most. */
  wrappedKey: 64 * KiB,
  /** Threshold shares as text (prime and shares, as sc-hsm-tool prints them). */
  thresholdShares: 64 * KiB,
  /** The content of one EF (UPDATE BINARY offsets and EF sizes are 16-bit). */
  efContent: 0xffff,
  /** A key file to import: PKCS#12, PEM/DER private key, raw or AES-wrapped key, a certificate. */
  keyFile: 1 * MiB,
  /** A data object's content (CDxx/CFxx; OpenSC's emulation reads at most 32767 bytes). */
  dataObject: 32767,
  /** Data to sign (`keys sign --in`), hashed on the host. */
  signInput: 64 * MiB,
  /** APDU scripts (`schsm run`) and explorer scripts. */
  script: 4 * MiB,
  /** A simulator state file (a full card's EFs and keys in JSON). */
  simState: 16 * MiB,
  /** pcsc-tools' smartcard_list.txt (about 1 MB today). */
  atrList: 16 * MiB,
  /** A trace or foreign log read whole (replay; OpenSC, pcsc-spy and scriptor logs). Traces shown, imported or diffed are streamed. */
  traceInMemory: 64 * MiB,
  /** One line of a streamed trace (a 65,538-byte response is about 197 kB of hex). */
  traceLine: 4 * MiB,
} as const;

/** An input file (or stream) larger than its format allows. */
export class InputTooLargeError extends SchsmError {
  override name = 'InputTooLargeError';
  readonly file: string;
  readonly limit: number;
  constructor(file: string, limit: number, what: string, size?: number) {
    const a = /^[aeiouAEIOU]/.test(what) ? 'an' : 'a';
    super(
      `${file} is too large for ${a} ${what}: ${size === undefined ? `more than ${limit}` : size} bytes, the limit is ${formatLimit(limit)}`,
      'ERR_SCHSM_INPUT_TOO_LARGE',
      { hint: `is ${file} the file you meant? ${a === 'an' ? 'An' : 'A'} ${what} is never that large` },
    );
    this.file = file;
    this.limit = limit;
  }
}

/** "64 bytes", "64 KiB", "16 MiB". */
export function formatLimit(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

export interface BoundedReadOptions {
  /** The file as the user named it (default: the path). */
  readonly name?: string;
  /** What the file is, for the error ("DKEK share file"). */
  readonly what: string;
}

const CHUNK = 64 * KiB;

/** Read at most `limit` bytes of `path`; more (by size or by content) is an InputTooLargeError. */
export async function readBoundedFile(path: string, limit: number, options: BoundedReadOptions): Promise<Uint8Array> {
  const name = options.name ?? path;
  const fh = await fsp.open(path, 'r');
  try {
    const st = await fh.stat();
    if (st.isFile() && st.size > limit) throw new InputTooLargeError(name, limit, options.what, st.size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(CHUNK, limit + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new InputTooLargeError(name, limit, options.what);
    }
    return concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** The synchronous form of `readBoundedFile` (for synchronous loaders). */
export function readBoundedFileSync(path: string, limit: number, options: BoundedReadOptions): Uint8Array {
  const name = options.name ?? path;
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > limit) throw new InputTooLargeError(name, limit, options.what, st.size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(CHUNK, limit + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw new InputTooLargeError(name, limit, options.what);
    }
    return concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Read a stream (stdin) to its end, at most `limit` bytes. */
export async function readBoundedStream(
  stream: NodeJS.ReadableStream,
  limit: number,
  options: Required<BoundedReadOptions>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<string | Uint8Array>) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > limit) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new InputTooLargeError(options.name, limit, options.what);
    }
    chunks.push(bytes);
  }
  return concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
