/**
 * The small protocol between schsm and a PC/SC worker process (pcsc-worker.ts), which talks to one
 * pcscd socket: libpcsclite reads PCSCLITE_CSOCK_NAME once per process, so each socket needs a process
 * of its own. One JSON object per line on the worker's stdin and stdout; bytes travel as hex. Every
 * line is bounded (MAX_LINE), every request answered once with its `id`.
 *
 *   → {"id":1,"op":"list"}                         ← {"id":1,"ok":true,"readers":[{name,index,cardPresent,atr,state}]}
 *   → {"id":2,"op":"open","reader":"…"}            ← {"id":2,"ok":true,"name":"…","atr":"3B…","protocol":"T=1"}
 *   → {"id":3,"op":"transmit","apdu":"00A4…"}      ← {"id":3,"ok":true,"response":"…9000"}
 *   → {"id":4,"op":"begin"} … {"op":"end"}         hold the card exclusively in between (Transport.exclusive)
 *   → {"id":5,"op":"reset"}                        ← {"id":5,"ok":true,"atr":"…"}
 *   → {"id":6,"op":"close"}                        ← {"id":6,"ok":true}; the worker then exits
 *   ← {"id":n,"ok":false,"error":{"name","code","message","hint"}} on failure
 */
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is a protocol error: an extended APDU (65,546 bytes) is 131,092 hex digits. */
export const MAX_LINE = 256 * 1024;

export type WorkerRequest =
  | { readonly id: number; readonly op: 'list' }
  | {
      readonly id: number;
      readonly op: 'open';
      readonly reader?: string;
      readonly exclusive?: boolean;
      readonly requireUniqueCard?: boolean;
    }
  | { readonly id: number; readonly op: 'transmit'; readonly apdu: string }
  | { readonly id: number; readonly op: 'begin' | 'end' | 'reset' | 'close' };

export interface WorkerReaderInfo {
  readonly name: string;
  readonly index: number;
  readonly cardPresent: boolean;
  readonly atr: string;
  readonly state: readonly string[];
}

export interface WorkerFailure {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export type WorkerResponse =
  | {
      readonly id: number;
      readonly ok: true;
      readonly readers?: readonly WorkerReaderInfo[];
      readonly name?: string;
      readonly atr?: string;
      readonly protocol?: string;
      /** `open` without a reader while several held a card: those readers (the card was a guess). */
      readonly guessedFrom?: readonly string[];
      readonly response?: string;
    }
  | { readonly id: number; readonly ok: false; readonly error: WorkerFailure };

/**
 * Split a byte stream into lines of at most MAX_LINE characters: `onLine` for each, `onOverflow` once
 * (and nothing more) when a line grows past the bound.
 */
export function lineSplitter(onLine: (text: string) => void, onOverflow: () => void): (chunk: Buffer | string) => void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let broken = false;
  const overflow = (): void => {
    broken = true;
    pending = '';
    onOverflow();
  };
  return (chunk) => {
    if (broken) return;
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (text.length > MAX_LINE) return overflow();
      onLine(text);
      if (broken) return;
    }
    if (pending.length > MAX_LINE) overflow();
  };
}

/** Hex of bytes, and back (strict: even length, hex digits only). */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
