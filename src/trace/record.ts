import { closeSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import { toHex } from '../apdu/hex.ts';
import type { Transport } from '../transport/transport.ts';
import { TraceFileExistsError } from './errors.ts';
import { formatComment, formatHeader, formatRecord, TRACE_FORMAT_VERSION } from './format.ts';
import { concretePattern, formatPattern } from './pattern.ts';
import { NOT_REDACTED, NOT_REDACTED_WARNING, redactionSummary, redactPair, type TraceRedactOptions } from './redaction.ts';
import { exchangeRecord, resetRecord } from './types.ts';

const log = createDebug('schsm:trace');

export interface RecordOptions extends TraceRedactOptions {
  /** The trace file to write (mode 0600). */
  readonly file: string;
  /** Overwrite an existing file (otherwise TraceFileExistsError). */
  readonly force?: boolean;
  /** Extra or overriding header metadata (`reader`, `atr`, `protocol` come from the transport). */
  readonly header?: Readonly<Record<string, string>>;
  /** Write `@…ms` timings on `<=` lines (default true). */
  readonly timing?: boolean;
  /** Receives the warning about `redact: false` (default: standard error). */
  readonly warn?: (message: string) => void;
  /** Clock for the `date` header (tests). */
  readonly now?: () => Date;
}

/** A transport that writes every exchange to a trace file as it happens. */
export interface RecordingTransport extends Transport {
  /** The trace file. */
  readonly file: string;
  /** Exchanges written so far. */
  readonly recorded: number;
  /** Append a `# comment` line (say what the next exchanges are for). */
  comment(text: string): void;
}

let versionCache: string | undefined;

/** schsm's version from package.json (src/ and dist/ sit at the same depth), or "unknown". */
export function schsmVersion(): string {
  if (versionCache !== undefined) return versionCache;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    versionCache = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    versionCache = 'unknown';
  }
  return versionCache;
}

/** Open the trace file: exclusive create (never overwrite) unless `force`, always mode 0600. */
export function openTraceFile(file: string, force: boolean): number {
  try {
    const fd = openSync(file, force ? 'w' : 'wx', 0o600);
    if (force) fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new TraceFileExistsError(file);
    throw error;
  }
}

function headerLines(inner: Transport, options: RecordOptions, redacted: string): string[] {
  const meta: Record<string, string> = {
    'trace-format': TRACE_FORMAT_VERSION,
    reader: inner.name,
    ...(inner.atr.length > 0 ? { atr: toHex(inner.atr, ' ') } : {}),
    ...(inner.protocol !== undefined ? { protocol: inner.protocol } : {}),
    schsm: schsmVersion(),
    date: (options.now?.() ?? new Date()).toISOString(),
    redacted,
    ...options.header,
  };
  return ['schsm APDU trace', ...Object.entries(meta).map(([k, v]) => `${k}: ${v}`)];
}

/**
 * Decorate `inner` so that every exchange is appended to `options.file` in the trace format (see
 * format.ts), written and handed to the OS before `transmit` returns, so a crash keeps what happened.
 * Secrets are masked (`..` per byte, lengths kept) unless `redact: false` is given explicitly; then the
 * header says so and a warning is printed. `close()` closes the inner transport and the file.
 */
export async function recordTransport(inner: Transport, options: RecordOptions): Promise<RecordingTransport> {
  const redact = options.redact !== false;
  const unwrap = options.redactUnwrap === true;
  const fd = openTraceFile(options.file, options.force === true);
  let open = true;
  let recorded = 0;
  let first = true;
  const write = (text: string): void => {
    if (open) writeSync(fd, text);
  };
  if (!redact) (options.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(NOT_REDACTED_WARNING);
  write(formatHeader(headerLines(inner, options, redact ? redactionSummary(unwrap) : NOT_REDACTED)));
  log('recording %s into %s (redaction %s)', inner.name, options.file, redact ? 'on' : 'OFF');

  const transport: RecordingTransport = {
    name: inner.name,
    get atr() {
      return inner.atr;
    },
    ...(inner.protocol !== undefined ? { protocol: inner.protocol } : {}),
    file: options.file,
    get recorded() {
      return recorded;
    },
    comment(text: string): void {
      write(`${first ? '' : '\n'}${text.split('\n').map(formatComment).join('\n')}\n`);
    },
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      const t0 = performance.now();
      let response: Uint8Array;
      try {
        response = await inner.transmit(command);
      } catch (error) {
        const shown = redact ? redactPair(concretePattern(command), concretePattern(Uint8Array.of(0x90, 0)), unwrap).command : concretePattern(command);
        write(`${formatComment(`no response to ${formatPattern(shown)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)}\n`);
        throw error;
      }
      const ms = performance.now() - t0;
      const pair = redact ? redactPair(concretePattern(command), concretePattern(response), unwrap) : undefined;
      const note = pair !== undefined && pair.what.length > 0 ? `redacted: ${pair.what.join(', ')}` : undefined;
      write(
        formatRecord(
          exchangeRecord({
            command: pair?.command ?? concretePattern(command),
            response: pair?.response ?? concretePattern(response),
            durationMs: options.timing === false ? undefined : ms,
            note,
          }),
          true,
        ),
      );
      recorded++;
      first = false;
      return response;
    },
    async reset(): Promise<void> {
      await inner.reset();
      write(formatRecord(resetRecord({ atr: inner.atr.length > 0 ? inner.atr : undefined }), true));
      first = false;
    },
    async close(): Promise<void> {
      try {
        await inner.close();
      } finally {
        if (open) {
          open = false;
          closeSync(fd);
          log('trace %s closed after %d exchange(s)', options.file, recorded);
        }
      }
    },
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      return inner.exclusive(fn);
    },
  };
  return transport;
}
