/**
 * Errors the card layer finds on the host side, without a status word: bad arguments, answers that do
 * not have the documented layout, refusals that protect the card. They extend SchsmError directly;
 * status-word errors are in errors.ts.
 */
import { SchsmError } from '../transport/errors.ts';

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

/**
 * Refusals of the PIN guard: defined with the channel that raises them (apdu/guard-errors.ts) and
 * re-exported here, where the card layer's own early guard (pin-guard.ts) raises them too.
 */
export { LastPinTryError, PinTriesUnknownError } from '../apdu/guard-errors.ts';

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

/**
 * DERIVE EC KEY made a key whose signature does not verify with Q' = Q + param·G computed on the host:
 * the card derived a different key than d + param (mod n), §3.16.
 */
export class DerivedKeyMismatchError extends SchsmError {
  override name = 'DerivedKeyMismatchError';
  /** The key reference the card derived into. */
  readonly ref: number;
  /** @deprecated the same as `ref`. */
  get keyRef(): number {
    return this.ref;
  }
  constructor(keyRef: number, sourceRef: number) {
    super(
      `the key the card derived into ${keyRef} is not d + param of key ${sourceRef}: its signature does not verify with Q + param·G computed on this computer`,
      'ERR_SCHSM_DERIVED_KEY_MISMATCH',
      {
        hint: `no PRKD or certificate was written for key ${keyRef}; delete it (schsm keys delete --ref ${keyRef} --yes) and report the device model`,
      },
    );
    this.ref = keyRef;
  }
}

/** A public key authentication step that cannot go on (§3.20): unknown issuer, key not registered, signature refused. */
export class PkaError extends SchsmError {
  override name = 'PkaError';
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, 'ERR_SCHSM_PKA', options);
  }
}
