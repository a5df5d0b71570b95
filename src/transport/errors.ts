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
