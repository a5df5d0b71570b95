/**
 * Errors of the host-side file formats (DKEK share files, threshold shares, key blobs, wrapped-key
 * files). Each has a stable `code`; the CLI's error boundary maps them to messages and exit codes.
 */
import { SchsmError } from '../../transport/errors.ts';

/** Bytes that do not have the layout the format requires (wrong magic, length, tag, truncated field). */
export class FileFormatError extends SchsmError {
  override name = 'FileFormatError';
  /** Which format was being read, e.g. "DKEK share file", "key blob". */
  readonly format: string;
  constructor(format: string, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(`${format}: ${message}`, 'ERR_SCHSM_FILE_FORMAT', options);
    this.format = format;
  }
}

/** A password-encrypted file did not decrypt to well-formed plaintext (§8.2 padding check). */
export class WrongPasswordError extends SchsmError {
  override name = 'WrongPasswordError';
  constructor(message = 'wrong password or not a DKEK share file', hint?: string) {
    super(message, 'ERR_SCHSM_WRONG_PASSWORD', {
      hint: hint ?? 'check the password (it is case-sensitive); a threshold-split password needs at least t correct shares',
    });
  }
}

/** The AES-CMAC of a key blob does not verify (§9.1): the blob was altered or the DKEK is wrong. */
export class MacError extends SchsmError {
  override name = 'MacError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_MAC', hint === undefined ? {} : { hint });
  }
}

/** The key check value of the DKEK in hand differs from the one a blob (or card) names (§8.1). */
export class KcvMismatchError extends SchsmError {
  override name = 'KcvMismatchError';
  /** KCV the blob/card expects (16 upper-case hex digits). */
  readonly expected: string;
  /** KCV of the DKEK that was supplied. */
  readonly actual: string;
  constructor(expected: string, actual: string, what = 'key blob') {
    super(`${what} was wrapped under DKEK with KCV ${expected}, but the supplied DKEK has KCV ${actual}`, 'ERR_SCHSM_KCV_MISMATCH', {
      hint: 'supply all DKEK shares of the device that exported the key (the KCV is the XOR of all shares)',
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** A value given by the user or caller is out of range or unparsable (share length, threshold t/n, hex). */
export class FormatInputError extends SchsmError {
  override name = 'FormatInputError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_INVALID_INPUT', hint === undefined ? {} : { hint });
  }
}

/** A long computation (the share-file key derivation) was cancelled through its AbortSignal. */
export class OperationAbortedError extends SchsmError {
  override name = 'OperationAbortedError';
  constructor(what: string, cause: unknown) {
    super(`${what} was cancelled`, 'ERR_SCHSM_ABORTED', { cause });
  }
}
