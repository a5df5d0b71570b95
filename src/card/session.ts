/**
 * The session contract every card command is written against (one file per command in commands/):
 * `send` one command APDU and get the response, with status words mapped to domain errors in the one
 * place that does it (errors.ts). `SmartCardHsm` implements it; tests may implement it too.
 */
import { createDebug } from '../transport/debug-log.ts';
import type { Channel } from '../apdu/channel.ts';
import type { CommandApdu } from '../apdu/command.ts';
import type { GuardPolicy } from '../apdu/guard.ts';
import { hex2, hex4 } from '../apdu/hex.ts';
import { INS_NAMES } from '../apdu/ins.ts';
import type { ResponseApdu } from '../apdu/response.ts';
import { isSuccess } from '../apdu/status-words.ts';
import type { Transport } from '../transport/transport.ts';
import { errorFromStatus, type StatusContext } from './errors.ts';
import { checkKeyRef } from './key-ref.ts';

const log = createDebug('schsm:card');

export interface SendOptions {
  /** Words for the log and error messages ("SIGN with key 3"). Default: the instruction's name. */
  readonly operation?: string;
  /** File concerned, for FileNotFoundError. */
  readonly fid?: number;
  /** Key reference concerned, for KeyNotFoundError and friends. */
  readonly keyRef?: number;
  /** Status words that count as success besides 9000 / 61xx (e.g. 6282 for READ BINARY). */
  readonly accept?: readonly number[];
  /** Return the response whatever its status word instead of throwing. */
  readonly raw?: boolean;
  /** Let the channel's guard send a PIN try that could block the PIN (apdu/guard.ts). */
  readonly allowLastTry?: boolean;
  /** Let the channel's guard send INITIALIZE DEVICE, which erases the device. */
  readonly confirmErase?: boolean;
}

/** How much data one APDU may carry on this card/reader. */
export interface CardLimits {
  /** Largest command data field sent in one APDU (UPDATE BINARY writes chunks of this minus 8). */
  readonly maxCommandData: number;
  /** Largest response asked for in one APDU (READ BINARY chunk size). */
  readonly maxResponseData: number;
  /** Only short APDUs go on the wire (data over 255 bytes is chained, Ne over 256 fetched by GET RESPONSE). */
  readonly shortOnly: boolean;
}

/** An open secure channel (§3.21). */
export interface SecureChannelInfo {
  readonly protocol: string;
  /** CHR of the device certificate whose key authenticated the channel. */
  readonly device: string;
  /** One line: device ← DICA ← root (kind): verified. */
  readonly chain: string;
  /** production, test, simulator or other (trust-anchors.ts). */
  readonly rootKind: string | undefined;
}

/** What a card command needs from the session. */
export interface CardSession {
  /** Send one command; a failing status word throws its domain error (errors.ts) unless `options` accept it. */
  send(cmd: CommandApdu, options?: SendOptions): Promise<ResponseApdu>;
  readonly limits: CardLimits;
  readonly transport: Transport;
  /** Switch the rest of the session to short APDUs (after an extended APDU failed in transport). */
  fallBackToShortApdus?(): void;
  /** The open secure channel, if any (commands adapt: JCOP's SM needs case 2 where plain uses case 1). */
  readonly secureChannel?: SecureChannelInfo | undefined;
  /** Run `fn` alone on the card (SmartCardHsm.exclusive: in-process order and the transport's exclusivity). */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

/** Run a multi-APDU operation alone: the session's `exclusive` when it has one, else the transport's. */
export function runExclusive<T>(card: CardSession, fn: () => Promise<T>): Promise<T> {
  return card.exclusive === undefined ? card.transport.exclusive(fn) : card.exclusive(fn);
}

/** Conservative defaults: within every JCOP APDU buffer (1232..1462 bytes, §1.4). */
export const EXTENDED_LIMITS: CardLimits = { maxCommandData: 1024, maxResponseData: 1024, shortOnly: false };
/** Short-APDU readers (§1.4 "Default PC/SC reader limits"). */
export const SHORT_LIMITS: CardLimits = { maxCommandData: 255, maxResponseData: 256, shortOnly: true };

/** "SIGN", "READ BINARY", or "INS 0x12" for unknown ones. */
export function insName(ins: number): string {
  return INS_NAMES[ins] ?? `INS ${hex2(ins)}`;
}

/** Build the error-mapping context of a command. */
function statusContext(cmd: CommandApdu, operation: string, res: ResponseApdu, o: SendOptions): StatusContext {
  return {
    ins: cmd.ins,
    p1: cmd.p1,
    p2: cmd.p2,
    operation,
    data: res.data,
    ...(o.fid === undefined ? {} : { fid: o.fid }),
    ...(o.keyRef === undefined ? {} : { keyRef: o.keyRef }),
  };
}

/** The guard permissions of one command (only those given: exactOptionalPropertyTypes). */
function guardPolicy(o: SendOptions): GuardPolicy {
  return { ...(o.allowLastTry === true ? { allowLastTry: true } : {}), ...(o.confirmErase === true ? { confirmErase: true } : {}) };
}

/** Send over a channel and map a failing status word to its domain error. */
export async function exchange(channel: Channel, cmd: CommandApdu, options: SendOptions = {}): Promise<ResponseApdu> {
  if (options.keyRef !== undefined) checkKeyRef(options.keyRef);
  const operation = options.operation ?? insName(cmd.ins);
  log('%s', operation);
  const res = await channel.send(cmd, guardPolicy(options));
  if (options.raw === true || isSuccess(res.sw) || options.accept?.includes(res.sw) === true) return res;
  log('%s failed: SW=%s', operation, res.sw.toString(16).toUpperCase());
  throw errorFromStatus(res.sw, statusContext(cmd, operation, res, options));
}

/** "EF C401". */
export function fidName(fid: number): string {
  return `EF ${hex4(fid)}`;
}
