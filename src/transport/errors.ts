/**
 * Base error of schsm. Every error carries a stable `code` string (got-style) so that callers and the
 * CLI's error boundary can branch on it without parsing messages.
 */
export class SchsmError extends Error {
  override name = 'SchsmError';
  readonly code: string;
  /** Hint for the user: what to do about it. Printed by the CLI under the message. */
  readonly hint: string | undefined;

  constructor(message: string, code: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Raised by a transport when the bytes could not be exchanged (not for status words). */
export class TransportError extends SchsmError {
  override name = 'TransportError';
  constructor(message: string, code = 'ERR_SCHSM_TRANSPORT', options: { cause?: unknown; hint?: string } = {}) {
    super(message, code, options);
  }
}

/** A second exchange was started while one was still in flight on the same channel. */
export class TransportRaceError extends TransportError {
  override name = 'TransportRaceError';
  constructor() {
    super('an APDU exchange is already in progress on this card', 'ERR_SCHSM_TRANSPORT_RACE', {
      hint: 'wait for the previous command to finish; exchanges on one card never overlap',
    });
  }
}

/** A bounded wait ran out. */
export class TransportTimeoutError extends TransportError {
  override name = 'TransportTimeoutError';
  constructor(what: string, ms: number, hint?: string) {
    super(`${what} did not complete within ${ms} ms`, 'ERR_SCHSM_TIMEOUT', hint === undefined ? {} : { hint });
  }
}

/*
 * The generic refusal kinds every layer raises (the CLI maps their codes to exit codes in one place,
 * cli/exit-codes.ts `exitCodeFor`): defined once here, at the bottom, so that cli/, explorer/ and
 * trace/ share them instead of keeping look-alike copies.
 */

/** A mistake the user can fix: bad arguments, a bad input file. CLI exit code 2. */
export class UsageError extends SchsmError {
  override name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_USAGE', hint === undefined ? {} : { hint });
  }
}

/**
 * schsm refuses to do something that could harm the card or the user's files without an explicit flag.
 * CLI exit code 4. Subclasses (the PIN guard's, the erase confirmation's) keep their own stable `code`.
 */
export class RefusedError extends SchsmError {
  override name = 'RefusedError';
  constructor(message: string, hint: string, code = 'ERR_SCHSM_REFUSED') {
    super(message, code, { hint });
  }
}

/**
 * A file to be written exists and `--force` was not given: "<path> already exists; <why>". CLI exit
 * code 4. `path` is the file as the user named it.
 */
export class FileExistsError extends SchsmError {
  override name = 'FileExistsError';
  readonly path: string;
  constructor(path: string, why = 'schsm does not overwrite it', hint = 'choose another name, or pass --force to replace it') {
    super(`${path} already exists; ${why}`, 'ERR_SCHSM_EXISTS', { hint });
    this.path = path;
  }
}
