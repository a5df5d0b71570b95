import { closeSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDebug } from '../transport/debug-log.ts';
import { toHex } from '../apdu/hex.ts';
import { openNewSecretFile } from '../transport/secret-file.ts';
import type { Transport } from '../transport/transport.ts';
import { parseTrace } from './format.ts';
import type { Trace } from './types.ts';
import { SCHSM_VERSION } from '../transport/version.ts';
import { TraceFileExistsError } from './errors.ts';
import { formatComment, formatHeader, formatRecord, TRACE_FORMAT_VERSION } from './format.ts';
import { concretePattern, formatPattern } from './pattern.ts';
import {
  exchangeRedactor,
  NOT_REDACTED,
  NOT_REDACTED_WARNING,
  redactionSummary,
  redactPair,
  type TraceRedactOptions,
} from './redaction.ts';
import { exchangeRecord, resetRecord, type TraceExchange } from './types.ts';

const log = createDebug('schsm:trace');

/** What the in-memory recorder takes: the options of `recordTransport` that are not about the file. */
export interface MemoryRecordOptions extends TraceRedactOptions {
  /** Extra or overriding header metadata (`reader`, `atr`, `protocol` come from the transport). */
  readonly header?: Readonly<Record<string, string>>;
  /** Write `@…ms` timings on `<=` lines (default true). */
  readonly timing?: boolean;
  /** Receives the warning about `redact: false` (default: standard error). */
  readonly warn?: (message: string) => void;
  /** Clock for the `date` header (tests). */
  readonly now?: () => Date;
}

export interface RecordOptions extends MemoryRecordOptions {
  /** The trace file to write (mode 0600). */
  readonly file: string;
  /** Overwrite an existing file (otherwise TraceFileExistsError). */
  readonly force?: boolean;
}

/** A transport that writes every exchange to a trace file as it happens. */
export interface RecordingTransport extends Transport, AsyncDisposable {
  /** The trace file. */
  readonly file: string;
  /** Exchanges written so far. */
  readonly recorded: number;
  /** Append a `# comment` line (say what the next exchanges are for). */
  comment(text: string): void;
}

/**
 * A transport that keeps every exchange in memory, in the trace format (redacted unless
 * `redact: false`): for tests that record a session and replay it (`createReplayTransport(rec.trace())`).
 */
export interface MemoryRecordingTransport extends Transport, AsyncDisposable {
  /** Exchanges recorded so far. */
  readonly recorded: number;
  /** Add a `# comment` line (say what the next exchanges are for). */
  comment(text: string): void;
  /** The trace so far, as the text a trace file would hold. */
  text(): string;
  /** The trace so far, parsed (what `createReplayTransport` and `diffTraces` take). */
  trace(): Trace;
}

/** Where the recorder's lines go. */
interface Sink {
  write(text: string): void;
  close(): void;
}

/** Open the trace file: exclusive create (never overwrite) unless `force`, always mode 0600 (transport/secret-file.ts). */
export function openTraceFile(file: string, force: boolean): number {
  return openNewSecretFile(file, { force, exists: () => new TraceFileExistsError(file) });
}

function headerLines(inner: Transport, options: MemoryRecordOptions, redacted: string): string[] {
  const meta: Record<string, string> = {
    'trace-format': TRACE_FORMAT_VERSION,
    reader: inner.name,
    ...(inner.atr.length > 0 ? { atr: toHex(inner.atr, ' ') } : {}),
    ...(inner.protocol !== undefined ? { protocol: inner.protocol } : {}),
    schsm: SCHSM_VERSION,
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
  let fd: number | undefined = openTraceFile(options.file, options.force === true);
  const sink: Sink = {
    write: (text) => {
      if (fd !== undefined) writeSync(fd, text);
    },
    close: () => {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
  return new Recorder(inner, options, sink, options.file);
}

/**
 * Decorate `inner` so that every exchange is kept in memory in the trace format, redacted like a trace
 * file unless `redact: false`. `close()` closes the inner transport; the trace stays readable.
 */
export function recordInMemory(inner: Transport, options: MemoryRecordOptions = {}): MemoryRecordingTransport {
  const chunks: string[] = [];
  const recorder = new Recorder(inner, options, { write: (text) => chunks.push(text), close: () => undefined }, 'memory');
  const text = (): string => chunks.join('');
  return Object.assign(recorder, { text, trace: (): Trace => parseTrace(text(), { file: 'memory' }) });
}

/** The recording decorator; every write goes to the file before the call returns. */
class Recorder implements RecordingTransport {
  readonly name: string;
  readonly protocol?: string;
  readonly file: string;
  private count = 0;
  private readonly inner: Transport;
  private readonly options: MemoryRecordOptions;
  reconnect?: NonNullable<Transport['reconnect']>;
  private readonly redact: boolean;
  private readonly unwrap: boolean;
  private readonly redactNext: (rec: TraceExchange) => TraceExchange;
  private readonly sink: Sink;
  private first = true;

  constructor(inner: Transport, options: MemoryRecordOptions, sink: Sink, file: string) {
    this.inner = inner;
    this.options = options;
    this.sink = sink;
    this.name = inner.name;
    if (inner.protocol !== undefined) this.protocol = inner.protocol;
    this.file = file;
    this.redact = options.redact !== false;
    this.unwrap = options.redactUnwrap === true;
    this.redactNext = exchangeRedactor(this.unwrap);
    if (!this.redact) (options.warn ?? ((m: string) => process.stderr.write(`${m}\n`)))(NOT_REDACTED_WARNING);
    this.write(formatHeader(headerLines(inner, options, this.redact ? redactionSummary(this.unwrap) : NOT_REDACTED)));
    log('recording %s into %s (redaction %s)', inner.name, file, this.redact ? 'on' : 'OFF');
    if (inner.reconnect !== undefined) {
      const reconnect = inner.reconnect.bind(inner);
      this.reconnect = async (o) => {
        await reconnect(o);
        this.comment('the card was reinserted (reconnect)');
        this.write(formatRecord(resetRecord({ atr: this.inner.atr.length > 0 ? this.inner.atr : undefined }), true));
      };
    }
  }

  get atr(): Uint8Array {
    return this.inner.atr;
  }

  get guessedFrom(): readonly string[] | undefined {
    return this.inner.guessedFrom;
  }

  get recorded(): number {
    return this.count;
  }

  private write(text: string): void {
    this.sink.write(text);
  }

  comment(text: string): void {
    this.write(`${this.first ? '' : '\n'}${text.split('\n').map(formatComment).join('\n')}\n`);
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const t0 = performance.now();
    let response: Uint8Array;
    try {
      response = await this.inner.transmit(command);
    } catch (error) {
      const shown = this.redact
        ? redactPair(concretePattern(command), concretePattern(Uint8Array.of(0x90, 0)), this.unwrap).command
        : concretePattern(command);
      this.write(
        `${formatComment(`no response to ${formatPattern(shown)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)}\n`,
      );
      throw error;
    }
    const ms = performance.now() - t0;
    const record = exchangeRecord({
      command: concretePattern(command),
      response: concretePattern(response),
      durationMs: this.options.timing === false ? undefined : ms,
    });
    this.write(formatRecord(this.redact ? this.redactNext(record) : record, true));
    this.count++;
    this.first = false;
    return response;
  }

  async reset(): Promise<void> {
    await this.inner.reset();
    this.write(formatRecord(resetRecord({ atr: this.inner.atr.length > 0 ? this.inner.atr : undefined }), true));
    this.first = false;
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      this.sink.close();
      log('trace %s closed after %d exchange(s)', this.file, this.count);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.inner.exclusive(fn);
  }
}
