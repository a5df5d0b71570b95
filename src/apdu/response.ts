import { ApduEncodeError, ApduParseError } from './errors.ts';
import { isSuccess } from './status-words.ts';

/** A response APDU: data field and the status word SW1 SW2 as one number (0x9000). */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Split a response into data and SW (ISO/IEC 7816-4 §5.2). */
export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduParseError(`a response APDU needs at least SW1 SW2, got ${bytes.length} byte(s)`);
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: ((bytes[n - 2] ?? 0) << 8) | (bytes[n - 1] ?? 0) };
}

/** Response to bytes (data ‖ SW1 SW2). */
export function encodeResponse(res: ResponseApdu): Uint8Array {
  if (!Number.isInteger(res.sw) || res.sw < 0 || res.sw > 0xffff)
    throw new ApduEncodeError(`a status word is 16 bits (0x0000..0xFFFF), got ${res.sw}`);
  const out = new Uint8Array(res.data.length + 2);
  out.set(res.data, 0);
  out[res.data.length] = (res.sw >> 8) & 0xff;
  out[res.data.length + 1] = res.sw & 0xff;
  return out;
}

/** 9000 or 61xx (6282 is not included: callers that accept it say so). */
export function isOk(res: ResponseApdu): boolean {
  return isSuccess(res.sw);
}
