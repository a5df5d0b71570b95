import { SchsmError } from '../transport/errors.ts';
import { describeStatusWord, formatSw } from './status-words.ts';

/** Hex text that is not hex (odd digit count, a stray character). */
export class HexError extends SchsmError {
  override name = 'HexError';
  constructor(message: string) {
    super(message, 'ERR_SCHSM_HEX');
  }
}

/** A command APDU that cannot be encoded (length out of range, byte out of range, forced form impossible). */
export class ApduEncodeError extends SchsmError {
  override name = 'ApduEncodeError';
  constructor(message: string) {
    super(message, 'ERR_SCHSM_APDU_ENCODE');
  }
}

/** Bytes that are not a well-formed command or response APDU. */
export class ApduParseError extends SchsmError {
  override name = 'ApduParseError';
  constructor(message: string) {
    super(message, 'ERR_SCHSM_APDU_PARSE');
  }
}

/** Malformed BER-TLV. `offset` is where the decoder gave up. */
export class TlvError extends SchsmError {
  override name = 'TlvError';
  readonly offset: number;
  constructor(message: string, offset: number, code = 'ERR_SCHSM_TLV') {
    super(`${message} at offset ${offset}`, code);
    this.offset = offset;
  }
}

/**
 * BER-TLV nested deeper than a reader follows (`MAX_TLV_DEPTH`): real card data nests a dozen levels
 * at most, and hostile data nested 10,000 deep used to exhaust the call stack (a RangeError).
 */
export class TlvDepthError extends TlvError {
  override name = 'TlvDepthError';
  readonly maxDepth: number;
  constructor(maxDepth: number, offset: number) {
    super(`BER-TLV nested deeper than ${maxDepth} levels`, offset, 'ERR_SCHSM_TLV_DEPTH');
    this.maxDepth = maxDepth;
  }
}

/** A tag or length that BER-TLV cannot encode. Same `code` as TlvError; `offset` is always 0. */
export class TlvEncodeError extends TlvError {
  override name = 'TlvEncodeError';
  constructor(message: string) {
    super(message, 0);
    this.message = message;
  }
}

/** Dotted OID text that is not an object identifier (X.690 §8.19). */
export class OidError extends SchsmError {
  override name = 'OidError';
  constructor(message: string) {
    super(message, 'ERR_SCHSM_OID');
  }
}

/** The card broke the transport-level protocol the channel relies on (61xx/GET RESPONSE). */
export class ChannelProtocolError extends SchsmError {
  override name = 'ChannelProtocolError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_CHANNEL_PROTOCOL', hint === undefined ? {} : { hint });
  }
}

/** The card answered with a status word other than success. Prints `SW=6982 (SECURITY_STATUS_NOT_SATISFIED)`. */
export class ApduError extends SchsmError {
  override name = 'ApduError';
  readonly sw: number;
  readonly data: Uint8Array;
  constructor(sw: number, data: Uint8Array = new Uint8Array(0), context?: string, code = 'ERR_SCHSM_SW') {
    const d = describeStatusWord(sw);
    super(`${context === undefined ? '' : `${context}: `}SW=${formatSw(sw)} (${d.name}): ${d.meaning}`, code);
    this.sw = sw;
    this.data = data;
  }
}
