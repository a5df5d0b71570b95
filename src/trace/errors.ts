import { FileExistsError, SchsmError } from '../transport/errors.ts';

/**
 * Errors of the trace layer. Every one names the trace line it is about (source line numbers, counted
 * from 1, of the file as written — not an index computed from the number of exchanges).
 */

function where(line: number | undefined, file: string | undefined): string {
  if (line === undefined) return file === undefined ? '' : `${file}: `;
  return `${file ?? 'line'}${file === undefined ? ' ' : ':'}${line}: `;
}

/** A trace file (or a log being imported) that does not follow its format. */
export class TraceParseError extends SchsmError {
  override name = 'TraceParseError';
  readonly line: number | undefined;
  readonly file: string | undefined;
  constructor(message: string, line?: number, file?: string, hint?: string) {
    super(`${where(line, file)}${message}`, 'ERR_SCHSM_TRACE_PARSE', hint === undefined ? {} : { hint });
    this.line = line;
    this.file = file;
  }
}

/** A foreign log (OpenSC, pcsc-spy, scriptor, …) that could not be imported. Same exit code as a parse error. */
export class TraceImportError extends TraceParseError {
  override name = 'TraceImportError';
  constructor(message: string, line?: number, file?: string, hint?: string) {
    super(message, line, file, hint);
  }
}

/**
 * Strict replay: the command sent is not the one recorded next (or a reset came where a command was
 * recorded, or the other way round). `expected` and `actual` are hex (with `..`/`*` masks) or `reset`.
 */
export class TraceMismatchError extends SchsmError {
  override name = 'TraceMismatchError';
  readonly expected: string;
  readonly actual: string;
  readonly line: number;
  readonly file: string | undefined;
  /** 0-based position of the record in the trace. */
  readonly index: number;
  constructor(expected: string, actual: string, line: number, index: number, file?: string) {
    super(
      `${where(line, file)}replay mismatch at record ${index + 1}\n  expected: ${expected}\n  actual:   ${actual}`,
      'ERR_SCHSM_TRACE_MISMATCH',
      {
        hint: 'the command differs from the recording: re-record the trace, or mask bytes that legitimately vary with ".." (one byte) or "*" (any number of bytes)',
      },
    );
    this.expected = expected;
    this.actual = actual;
    this.line = line;
    this.index = index;
    this.file = file;
  }
}

/** Strict replay: a command was sent after the last recorded exchange. */
export class TraceExhaustedError extends SchsmError {
  override name = 'TraceExhaustedError';
  readonly actual: string;
  readonly used: number;
  readonly line: number | undefined;
  constructor(actual: string, used: number, line: number | undefined, file?: string) {
    super(
      `${where(line, file)}replay exhausted: all ${used} recorded record(s) were used, but the program sent ${actual}`,
      'ERR_SCHSM_TRACE_EXHAUSTED',
      {
        hint: 'the program sends more APDUs than the recording holds: re-record the trace',
      },
    );
    this.actual = actual;
    this.used = used;
    this.line = line;
  }
}

/** `assertConsumed()`: recorded exchanges were never asked for. */
export class TraceNotConsumedError extends SchsmError {
  override name = 'TraceNotConsumedError';
  readonly remaining: number;
  readonly line: number;
  constructor(remaining: number, line: number, next: string, file?: string) {
    super(`${where(line, file)}replay ended with ${remaining} recorded record(s) unused; next: ${next}`, 'ERR_SCHSM_TRACE_NOT_CONSUMED', {
      hint: 'the program stopped earlier than the recording: re-record the trace or check why it stopped',
    });
    this.remaining = remaining;
    this.line = line;
  }
}

/** The recorder or `trace import -o` would overwrite an existing file: the shared "file exists" refusal, in trace words. */
export class TraceFileExistsError extends FileExistsError {
  override name = 'TraceFileExistsError';
  constructor(path: string) {
    super(
      path,
      'schsm never overwrites a trace file',
      'choose another file name, or pass --force (library: {force: true}) to overwrite it',
    );
  }
}
