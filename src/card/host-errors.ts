/**
 * Errors the card layer finds on the host side, without a status word: bad arguments, answers that do
 * not have the documented layout, refusals that protect the card. They extend SchsmError directly;
 * status-word errors are in errors.ts.
 */
import { SchsmError } from '../transport/errors.ts';
import { pinName } from './constants.ts';

/** A caller-supplied value is out of range or malformed (PIN length, SO-PIN hex, key reference, …). */
export class InvalidArgumentError extends SchsmError {
  override name = 'InvalidArgumentError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_INVALID_ARGUMENT', hint === undefined ? {} : { hint });
  }
}

/** The card answered 9000 but with data that does not have the documented layout. */
export class MalformedResponseError extends SchsmError {
  override name = 'MalformedResponseError';
  /** The operation whose answer was malformed. */
  readonly operation: string;
  constructor(operation: string, message: string, cause?: unknown) {
    super(`${operation}: ${message}`, 'ERR_SCHSM_MALFORMED_RESPONSE', cause === undefined ? {} : { cause });
    this.operation = operation;
  }
}

/** Refused to send a PIN because only one try is left (protects the card; pass `force` to override). */
export class LastPinTryError extends SchsmError {
  override name = 'LastPinTryError';
  readonly pinRef: number;
  readonly retriesLeft: number;
  constructor(pinRef: number, retriesLeft: number) {
    super(`refusing to try the ${pinName(pinRef)}: only ${retriesLeft} try left, a wrong value would block it`, 'ERR_SCHSM_LAST_PIN_TRY', {
      hint: 'make sure of the PIN, then retry with force',
    });
    this.pinRef = pinRef;
    this.retriesLeft = retriesLeft;
  }
}

/** A card-verifiable certificate or request that cannot be decoded (§10). */
export class CvcError extends SchsmError {
  override name = 'CvcError';
  constructor(message: string, cause?: unknown) {
    super(`CV certificate: ${message}`, 'ERR_SCHSM_CVC', cause === undefined ? {} : { cause });
  }
}

/** A PKCS#15 description (PRKD, CD, DCOD) that cannot be decoded or encoded (§5). */
export class Pkcs15Error extends SchsmError {
  override name = 'Pkcs15Error';
  constructor(message: string, cause?: unknown) {
    super(`PKCS#15: ${message}`, 'ERR_SCHSM_PKCS15', cause === undefined ? {} : { cause });
  }
}

/** All 255 key references are in use. */
export class NoFreeKeyReferenceError extends SchsmError {
  override name = 'NoFreeKeyReferenceError';
  constructor() {
    super('no free key reference (1..255 are all in use)', 'ERR_SCHSM_NO_FREE_KEY_REF', { hint: 'delete a key first' });
  }
}

/** A public key authentication step that cannot go on (§3.20): unknown issuer, key not registered, signature refused. */
export class PkaError extends SchsmError {
  override name = 'PkaError';
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, 'ERR_SCHSM_PKA', options);
  }
}
