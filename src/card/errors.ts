/**
 * The ONE place where SmartCard-HSM status words become domain errors.
 * `errorFromStatus(sw, context)` decides by status word AND command: 6984 is "transport PIN" on VERIFY
 * but "key use counter expired" on SIGN; 6A82 is "applet not found" on SELECT by AID, "file not found"
 * on READ BINARY and "key not found" on SIGN (docs/protocol.md §6, §3.x, §13).
 *
 * Every error carrying a status word extends `CardError` → `ApduError` → `SchsmError`, so it has the
 * `sw`, the response `data`, a stable `code`, a message naming the operation, and a `hint`.
 * Errors found on the host (bad input, malformed answers) are in host-errors.ts and extend SchsmError.
 */
import { ApduError } from '../apdu/errors.ts';
import { hex2, hex4 } from '../apdu/hex.ts';
import { SW, describeStatusWord, formatSw, retriesLeft } from '../apdu/status-words.ts';
import { ALGO, INS, PIN_REF, pinName } from './constants.ts';

/** What was being done when the status word came back; the INS decides the meaning of the SW. */
export interface StatusContext {
  readonly ins: number;
  readonly p1?: number;
  readonly p2?: number;
  /** Words for the message, e.g. "SIGN with key 3" or "SELECT EF C401". */
  readonly operation: string;
  /** Response data that came with the status word. */
  readonly data?: Uint8Array;
  /** File identifier concerned (SELECT / READ / UPDATE / DELETE). */
  readonly fid?: number;
  /** Key reference concerned (crypto commands, GAKP, WRAP, UNWRAP). */
  readonly keyRef?: number;
  readonly cause?: unknown;
}

/** Base of every status-word error of the card layer. */
export class CardError extends ApduError {
  override name = 'CardError';
  override readonly hint: string | undefined;
  /** The operation that failed (same words as in the message). */
  readonly operation: string;
  constructor(sw: number, ctx: StatusContext, code: string, detail?: string, hint?: string) {
    super(sw, ctx.data ?? new Uint8Array(0), ctx.operation, code);
    const what = detail ?? describeStatusWord(sw).meaning;
    this.message = `${ctx.operation}: ${what} (SW=${formatSw(sw)})`;
    this.hint = hint;
    this.operation = ctx.operation;
    if (ctx.cause !== undefined)
      Object.defineProperty(this, 'cause', { value: ctx.cause, enumerable: false, writable: true, configurable: true });
  }
}

/** 63Cx: wrong PIN; `retriesLeft` tries remain (§3.6). */
export class PinIncorrectError extends CardError {
  override name = 'PinIncorrectError';
  readonly retriesLeft: number;
  readonly pinRef: number;
  constructor(sw: number, ctx: StatusContext, pinRef: number) {
    const left = retriesLeft(sw) ?? 0;
    const hint = left <= 1 ? `only ${left} try left: one more wrong ${pinName(pinRef)} blocks it` : `${left} tries left`;
    super(sw, ctx, 'ERR_SCHSM_PIN_INCORRECT', `wrong ${pinName(pinRef)}, ${left} ${left === 1 ? 'try' : 'tries'} left`, hint);
    this.retriesLeft = left;
    this.pinRef = pinRef;
  }
}

/** 6983: the PIN (or SO-PIN) is blocked (§3.6, §7). */
export class PinBlockedError extends CardError {
  override name = 'PinBlockedError';
  readonly pinRef: number;
  constructor(sw: number, ctx: StatusContext, pinRef: number) {
    const hint =
      pinRef === PIN_REF.SO
        ? 'a blocked SO-PIN cannot be unblocked (§7); the device can no longer be re-initialised'
        : 'unblock it with the SO-PIN (RESET RETRY COUNTER), if the device was initialised with that option';
    super(sw, ctx, 'ERR_SCHSM_PIN_BLOCKED', `${pinName(pinRef)} is blocked`, hint);
    this.pinRef = pinRef;
  }
}

/** 6984 on VERIFY: the transport PIN must be changed before first use (§3.6, option 0x0002). */
export class TransportPinError extends CardError {
  override name = 'TransportPinError';
  constructor(sw: number, ctx: StatusContext) {
    super(
      sw,
      ctx,
      'ERR_SCHSM_TRANSPORT_PIN',
      'the user PIN is still the transport PIN: the device refuses every login, and so every key use, until it is changed',
      'change it first: CHANGE REFERENCE DATA with the transport PIN as the current PIN (`schsm pin change --allow-last-try`, explorer `change user --allow-last-try`: the card does not say how many tries a transport PIN has left)',
    );
  }
}

/** 6A88 on VERIFY / CHANGE / RESET RETRY COUNTER: no PIN is set, the device was never initialised. */
export class NotInitializedError extends CardError {
  override name = 'NotInitializedError';
  constructor(sw: number, ctx: StatusContext) {
    super(
      sw,
      ctx,
      'ERR_SCHSM_NOT_INITIALIZED',
      'the device is not initialised (no PIN set)',
      'initialise the device first (INITIALIZE DEVICE with SO-PIN and user PIN)',
    );
  }
}

/** 6982: the user PIN has not been verified in this session. */
export class SecurityStatusNotSatisfiedError extends CardError {
  override name = 'SecurityStatusNotSatisfiedError';
  constructor(sw: number, ctx: StatusContext) {
    super(sw, ctx, 'ERR_SCHSM_SECURITY_STATUS', 'security status not satisfied', 'verify the user PIN first');
  }
}

/** SELECT of the SmartCard-HSM AID failed, or the answer is not a SmartCard-HSM FCP (§2.3, §2.4). */
export class AppletNotFoundError extends CardError {
  override name = 'AppletNotFoundError';
  constructor(sw: number, ctx: StatusContext, detail = 'the SmartCard-HSM applet is not on this card') {
    super(sw, ctx, 'ERR_SCHSM_APPLET_NOT_FOUND', detail, 'is this a SmartCard-HSM / Nitrokey HSM? check the reader and the card');
  }
}

/** 6E00: the card no longer has the applet selected (another application selected something else). */
export class AppletNotSelectedError extends CardError {
  override name = 'AppletNotSelectedError';
  constructor(sw: number, ctx: StatusContext) {
    super(
      sw,
      ctx,
      'ERR_SCHSM_APPLET_NOT_SELECTED',
      'the SmartCard-HSM applet is not selected',
      'open the card again (this re-selects the applet and logs out)',
    );
  }
}

/** 6A82 on a file: no such EF. */
export class FileNotFoundError extends CardError {
  override name = 'FileNotFoundError';
  readonly fid: number | undefined;
  constructor(sw: number, ctx: StatusContext) {
    const f = ctx.fid === undefined ? 'file' : `EF ${hex4(ctx.fid)}`;
    super(sw, ctx, 'ERR_SCHSM_FILE_NOT_FOUND', `${f} not found`);
    this.fid = ctx.fid;
  }
}

/** 6A82 (or pico 6A88) on a key operation: no key with this reference. */
export class KeyNotFoundError extends CardError {
  override name = 'KeyNotFoundError';
  /** The key reference concerned. */
  readonly ref: number | undefined;
  /** @deprecated the same as `ref` (one name for the key reference across the API). */
  get keyRef(): number | undefined {
    return this.ref;
  }
  constructor(sw: number, ctx: StatusContext) {
    super(sw, ctx, 'ERR_SCHSM_KEY_NOT_FOUND', `no key with reference ${ctx.keyRef ?? '?'}`, 'list the keys to see which references exist');
    this.ref = ctx.keyRef;
  }
}

/**
 * 6A81 (pico 6985) on SIGN / DECIPHER / CIPHER / DERIVE EC KEY: the key's algorithm list forbids it
 * (§3.13). The algorithm is P2, except for DERIVE EC KEY, whose P2 is the new key and whose algorithm is 98.
 */
export class AlgorithmNotAllowedError extends CardError {
  override name = 'AlgorithmNotAllowedError';
  /** The key reference concerned. */
  readonly ref: number | undefined;
  /** @deprecated the same as `ref` (one name for the key reference across the API). */
  get keyRef(): number | undefined {
    return this.ref;
  }
  readonly algorithm: number | undefined;
  constructor(sw: number, ctx: StatusContext) {
    const algorithm = ctx.ins === INS.DERIVE_EC_KEY ? ALGO.EC_DERIVE : ctx.p2;
    const a = algorithm === undefined ? 'this algorithm' : `algorithm ${hex2(algorithm)}`;
    super(
      sw,
      ctx,
      'ERR_SCHSM_ALGORITHM_NOT_ALLOWED',
      `${a} is not allowed for key ${ctx.keyRef ?? '?'} (or not supported by its type)`,
      'check the key type and the allowed-algorithm list given at key generation (tag 91)',
    );
    this.ref = ctx.keyRef;
    this.algorithm = algorithm;
  }
}

/** 6984 (pico 6A84) on SIGN / DECIPHER / CIPHER: the key's use counter is exhausted (§3.13, §13). */
export class KeyUseCounterExpiredError extends CardError {
  override name = 'KeyUseCounterExpiredError';
  /** The key reference concerned. */
  readonly ref: number | undefined;
  /** @deprecated the same as `ref` (one name for the key reference across the API). */
  get keyRef(): number | undefined {
    return this.ref;
  }
  constructor(sw: number, ctx: StatusContext) {
    super(
      sw,
      ctx,
      'ERR_SCHSM_KEY_USE_COUNTER',
      `the use counter of key ${ctx.keyRef ?? '?'} is exhausted`,
      'the key can no longer be used; generate a new one',
    );
    this.ref = ctx.keyRef;
  }
}

/** Why a DKEK operation failed. */
export type DkekFailure = 'no-dkek' | 'kcv-mismatch' | 'not-exportable' | 'all-shares-imported';

/** WRAP / UNWRAP / IMPORT DKEK SHARE refused by the card (§3.10, §3.17, §3.18). */
export class DkekError extends CardError {
  override name = 'DkekError';
  readonly reason: DkekFailure;
  constructor(sw: number, ctx: StatusContext, reason: DkekFailure) {
    const [detail, hint] = DKEK_TEXT[reason];
    super(sw, ctx, 'ERR_SCHSM_DKEK', detail, hint);
    this.reason = reason;
  }
}

const DKEK_TEXT: Readonly<Record<DkekFailure, readonly [string, string]>> = {
  'no-dkek': ['the device has no (complete) DKEK', 'initialise with DKEK shares (tag 92) and import all of them first'],
  'kcv-mismatch': ["the key blob does not match this device's DKEK", 'import the same DKEK shares as on the device that wrapped the key'],
  'not-exportable': ['the key may not be exported', 'only keys generated with algorithm 92 (wrap) in their allowed list can be wrapped'],
  'all-shares-imported': ['all DKEK shares are already imported', 'nothing to do; re-initialise to start a new DKEK'],
};

/** 6D00: the instruction is not supported by this card / applet version. */
export class NotSupportedError extends CardError {
  override name = 'NotSupportedError';
  constructor(sw: number, ctx: StatusContext) {
    super(sw, ctx, 'ERR_SCHSM_NOT_SUPPORTED', 'instruction not supported by this card or applet version');
  }
}

/** INITIALIZE refused (6900 / 6985 / 6986): on a re-initialisation, the SO-PIN (tag 82) is wrong (§3.9). */
export class InitializationCodeError extends CardError {
  override name = 'InitializationCodeError';
  constructor(sw: number, ctx: StatusContext) {
    super(
      sw,
      ctx,
      'ERR_SCHSM_INIT_CODE',
      'the device refused the initialisation (wrong SO-PIN / initialization code?)',
      'a re-initialisation needs the current SO-PIN',
    );
  }
}

/** 6985 / 6986 / 6900 elsewhere: the operation is not allowed in the current state. */
export class OperationNotAllowedError extends CardError {
  override name = 'OperationNotAllowedError';
  constructor(sw: number, ctx: StatusContext, hint?: string) {
    super(sw, ctx, 'ERR_SCHSM_NOT_ALLOWED', 'operation not allowed in the current state', hint);
  }
}

/** 6A80 / 6700 / 6A86 / 6B00: the card rejected the command's data or parameters. */
export class IncorrectParametersError extends CardError {
  override name = 'IncorrectParametersError';
  constructor(sw: number, ctx: StatusContext) {
    super(sw, ctx, 'ERR_SCHSM_INCORRECT_PARAMETERS', describeStatusWord(sw).meaning);
  }
}

/** 6A84: the card is out of memory. */
export class NotEnoughMemoryError extends CardError {
  override name = 'NotEnoughMemoryError';
  constructor(sw: number, ctx: StatusContext) {
    super(sw, ctx, 'ERR_SCHSM_MEMORY_FULL', 'not enough memory on the card', 'delete unused keys or files');
  }
}

const PIN_INS: ReadonlySet<number> = new Set([INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER]);
const CRYPTO_INS: ReadonlySet<number> = new Set([INS.SIGN, INS.DECIPHER, INS.CIPHER_SYMMETRIC, INS.DERIVE_EC_KEY]);
const KEY_INS: ReadonlySet<number> = new Set([
  ...CRYPTO_INS,
  INS.WRAP_KEY,
  INS.UNWRAP_KEY,
  INS.GENERATE_ASYMMETRIC_KEY_PAIR,
  INS.GENERATE_SYMMETRIC_KEY,
]);

/** The PIN a PIN-command status refers to: P2 for VERIFY/CHANGE; RESET RETRY COUNTER checks the SO-PIN. */
function pinRefOf(ctx: StatusContext): number {
  return ctx.ins === INS.RESET_RETRY_COUNTER || ctx.ins === INS.INITIALIZE_DEVICE ? PIN_REF.SO : (ctx.p2 ?? PIN_REF.USER);
}

function fileOrKeyNotFound(sw: number, ctx: StatusContext): CardError {
  if (ctx.ins === INS.SELECT && ctx.p1 === 0x04) return new AppletNotFoundError(sw, ctx);
  if (KEY_INS.has(ctx.ins) || (ctx.fid !== undefined && ctx.fid >> 8 === 0xcc)) return new KeyNotFoundError(sw, ctx);
  return new FileNotFoundError(sw, ctx);
}

function notUsable(sw: number, ctx: StatusContext): CardError {
  if (PIN_INS.has(ctx.ins)) return new TransportPinError(sw, ctx);
  if (CRYPTO_INS.has(ctx.ins)) return new KeyUseCounterExpiredError(sw, ctx);
  return new CardError(sw, ctx, 'ERR_SCHSM_SW');
}

function referencedDataNotFound(sw: number, ctx: StatusContext): CardError {
  if (PIN_INS.has(ctx.ins)) return new NotInitializedError(sw, ctx);
  if (ctx.ins === INS.WRAP_KEY || ctx.ins === INS.UNWRAP_KEY || ctx.ins === INS.IMPORT_DKEK_SHARE) return new DkekError(sw, ctx, 'no-dkek');
  if (KEY_INS.has(ctx.ins)) return new KeyNotFoundError(sw, ctx);
  return new CardError(sw, ctx, 'ERR_SCHSM_SW');
}

function notAllowed(sw: number, ctx: StatusContext): CardError {
  if (ctx.ins === INS.INITIALIZE_DEVICE) return new InitializationCodeError(sw, ctx);
  if (ctx.ins === INS.WRAP_KEY && sw === SW.CONDITIONS_OF_USE_NOT_SATISFIED) return new DkekError(sw, ctx, 'not-exportable');
  if (ctx.ins === INS.IMPORT_DKEK_SHARE && sw === SW.COMMAND_NOT_ALLOWED_NO_EF) return new DkekError(sw, ctx, 'all-shares-imported');
  if (CRYPTO_INS.has(ctx.ins) && sw === SW.CONDITIONS_OF_USE_NOT_SATISFIED) return new AlgorithmNotAllowedError(sw, ctx);
  if (ctx.ins === INS.RESET_RETRY_COUNTER)
    return new OperationNotAllowedError(sw, ctx, 'the device was initialised without option 0x0001 (reset retry counter)');
  if ((ctx.ins === INS.GENERATE_ASYMMETRIC_KEY_PAIR || ctx.ins === INS.GENERATE_SYMMETRIC_KEY) && sw === SW.CONDITIONS_OF_USE_NOT_SATISFIED)
    return new OperationNotAllowedError(
      sw,
      ctx,
      'the DKEK import is pending: the device was initialised for DKEK shares that are not all imported yet, and generates no key until they are (`schsm status` shows the shares; `schsm dkek import` imports one)',
    );
  return new OperationNotAllowedError(sw, ctx);
}

function incorrect(sw: number, ctx: StatusContext): CardError {
  if (ctx.ins === INS.SELECT && ctx.p1 === 0x04) return new AppletNotFoundError(sw, ctx);
  if (ctx.ins === INS.UNWRAP_KEY && sw !== SW.WRONG_LENGTH) return new DkekError(sw, ctx, 'kcv-mismatch');
  return new IncorrectParametersError(sw, ctx);
}

/** Status word + command → the domain error to throw. Never returns for 9000 callers: don't call it then. */
export function errorFromStatus(sw: number, ctx: StatusContext): CardError {
  if (retriesLeft(sw) !== undefined) return new PinIncorrectError(sw, ctx, pinRefOf(ctx));
  switch (sw) {
    case SW.AUTHENTICATION_METHOD_BLOCKED:
      return new PinBlockedError(sw, ctx, pinRefOf(ctx));
    case SW.SECURITY_STATUS_NOT_SATISFIED:
      return new SecurityStatusNotSatisfiedError(sw, ctx);
    case SW.FILE_NOT_FOUND:
      return fileOrKeyNotFound(sw, ctx);
    case SW.REFERENCE_DATA_NOT_USABLE:
      return notUsable(sw, ctx);
    case SW.REFERENCED_DATA_NOT_FOUND:
      return referencedDataNotFound(sw, ctx);
    case SW.FUNCTION_NOT_SUPPORTED:
      return CRYPTO_INS.has(ctx.ins) ? new AlgorithmNotAllowedError(sw, ctx) : new NotSupportedError(sw, ctx);
    case SW.NOT_ENOUGH_MEMORY:
      return CRYPTO_INS.has(ctx.ins) ? new KeyUseCounterExpiredError(sw, ctx) : new NotEnoughMemoryError(sw, ctx);
    case SW.COMMAND_NOT_ALLOWED:
    case SW.CONDITIONS_OF_USE_NOT_SATISFIED:
    case SW.COMMAND_NOT_ALLOWED_NO_EF:
      return notAllowed(sw, ctx);
    case SW.INCORRECT_DATA:
    case SW.WRONG_LENGTH:
    case SW.INCORRECT_P1P2:
    case SW.WRONG_P1P2:
      return incorrect(sw, ctx);
    case SW.INS_NOT_SUPPORTED:
      return notSupported(sw, ctx);
    case SW.CLA_NOT_SUPPORTED:
      return ctx.ins === INS.SELECT && ctx.p1 === 0x04 ? new AppletNotFoundError(sw, ctx) : new AppletNotSelectedError(sw, ctx);
    default:
      return new CardError(sw, ctx, 'ERR_SCHSM_SW');
  }
}

function notSupported(sw: number, ctx: StatusContext): CardError {
  if (ctx.ins === INS.SELECT && ctx.p1 === 0x04) return new AppletNotFoundError(sw, ctx);
  if (ctx.ins === INS.WRAP_KEY || ctx.ins === INS.UNWRAP_KEY) return new DkekError(sw, ctx, 'no-dkek');
  return new NotSupportedError(sw, ctx);
}
