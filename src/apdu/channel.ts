import { createDebug } from '../transport/debug-log.ts';
import type { Transport } from '../transport/transport.ts';
import { encodeCommand, type CommandApdu } from './command.ts';
import { ApduEncodeError, ChannelProtocolError } from './errors.ts';
import { formatSw } from './status-words.ts';
import { concat } from './hex.ts';
import { decodeResponse, type ResponseApdu } from './response.ts';
import type { SecureMessagingLayer } from './sm/layer.ts';
import { createGuard, type GuardPolicy } from './guard.ts';
import { SessionLock } from './lock.ts';

const log = createDebug('schsm:channel');

/**
 * Sends command APDUs and returns complete responses, hiding 61xx, 6Cxx and command chaining, behind
 * the safety guard (guard.ts): a command that could block a PIN or erase the device is refused unless
 * the channel's policy or the command's `policy` allows it.
 */
export interface Channel {
  /** Send one command and return its complete response (status word not checked; the card layer maps it). */
  send(cmd: CommandApdu, policy?: GuardPolicy): Promise<ResponseApdu>;
  /**
   * Send bytes that are no well-formed APDU exactly as given (no chaining, no GET RESPONSE): through the
   * same guard, which then reads them as `CLA INS P1 P2` followed by data.
   */
  sendRaw(bytes: Uint8Array, policy?: GuardPolicy): Promise<ResponseApdu>;
  readonly transport: Transport;
  /**
   * The secure-messaging slot (empty = plain). A layer installed here protects every later command;
   * it sits below everything that must see plain commands and above chaining/61xx/6Cxx, which work on
   * the protected APDUs (OpenSC does GET RESPONSE outside SM too, `sm.c` `sc_sm_single_transmit`).
   */
  secureMessaging: SecureMessagingLayer | undefined;
}

export interface ChannelOptions {
  /**
   * The reader (or the user) allows short APDUs only: data over 255 bytes is sent by command chaining
   * (CLA | 0x10, 255-byte blocks) and Ne over 256 is asked as Le 00 and completed by GET RESPONSE.
   */
  readonly shortOnly?: boolean;
  /** Issue GET RESPONSE on 61xx (default true). */
  readonly getResponse?: boolean;
  /** Re-send once with the right Le on 6Cxx (default true). */
  readonly fixWrongLe?: boolean;
  /**
   * Stop issuing GET RESPONSE once this many bytes are collected (default 65536 + 4096); the response
   * then still carries the card's last 61xx, so the caller can tell it is incomplete.
   */
  readonly maxResponse?: number;
  /** What the whole session allows beyond the default protection (default: nothing). */
  readonly guard?: GuardPolicy;
  /**
   * The session's lock (lock.ts), shared by every channel the session builds over the same card
   * (default: one of its own). Exchanges wait their turn in order instead of overlapping.
   */
  readonly lock?: SessionLock;
}

/** One stage of the chain: a command in, its complete response out. */
export type Processor = (cmd: CommandApdu) => Promise<ResponseApdu>;

/** The bottom of the chain: encode, transmit, decode. */
function baseProcessor(transport: Transport): Processor {
  return async (cmd) => decodeResponse(await transport.transmit(encodeCommand(cmd)));
}

/** 6Cxx: re-send the identical command once with Ne = xx (00 → 256). ISO/IEC 7816-4 §5.3.4. */
function wrongLeProcessor(next: Processor): Processor {
  return async (cmd) => {
    const res = await next(cmd);
    if (res.sw >> 8 !== 0x6c) return res;
    const ne = res.sw & 0xff || 256;
    log('6C%s: re-sending with Le=%d', (res.sw & 0xff).toString(16).padStart(2, '0'), ne);
    return next({ ...cmd, ne });
  };
}

/**
 * 61xx: GET RESPONSE `00 C0 00 00 xx` (xx 00 = 256; CLA keeps only the logical channel bits) until the
 * card stops saying 61xx, concatenating the data (ISO/IEC 7816-4 §5.3.4, docs/protocol.md §1.2).
 * A GET RESPONSE answered 61xx without any data would loop forever: that is a ChannelProtocolError.
 */
function getResponseProcessor(next: Processor, maxResponse: number): Processor {
  return async (cmd) => {
    let res = await next(cmd);
    const parts: Uint8Array[] = [res.data];
    let total = res.data.length;
    while (res.sw >> 8 === 0x61 && total < maxResponse) {
      const ne = res.sw & 0xff || 256;
      log('61%s: GET RESPONSE Le=%d (have %d bytes)', (res.sw & 0xff).toString(16).padStart(2, '0'), ne, total);
      res = await next({ cla: cmd.cla & 0x03, ins: 0xc0, p1: 0, p2: 0, ne, form: 'short' });
      if (res.data.length === 0 && res.sw >> 8 === 0x61) {
        throw new ChannelProtocolError(
          `the card answered GET RESPONSE with SW=${formatSw(res.sw)} but no data`,
          'the card (or simulator) breaks ISO 7816-4 §5.3.4; try another reader or report it',
        );
      }
      parts.push(res.data);
      total += res.data.length;
    }
    return parts.length === 1 ? res : { data: concat(...parts), sw: res.sw };
  };
}

/** Short-only readers: chain long data in 255-byte blocks (CLA | 0x10 on all but the last), cap Ne at 256. */
function shortOnlyProcessor(next: Processor): Processor {
  return async (cmd) => {
    const data = cmd.data ?? new Uint8Array(0);
    const ne = Math.min(cmd.ne ?? 0, 256);
    if ((cmd.cla & 0x10) !== 0 && data.length > 255) throw new ApduEncodeError('a command that is already chained cannot be chained again');
    let offset = 0;
    while (data.length - offset > 255) {
      const block = data.subarray(offset, offset + 255);
      log('chaining block at offset %d (%d bytes)', offset, block.length);
      const res = await next({ ...cmd, cla: cmd.cla | 0x10, data: block, ne: 0, form: 'short' });
      if (res.sw !== 0x9000) return res;
      offset += 255;
    }
    return next({ ...cmd, data: data.subarray(offset), ne, form: 'short' });
  };
}

/**
 * Assemble the processor chain over a transport. Top to bottom:
 *
 *   the session's FIFO lock (lock.ts: one exchange at a time, in order; exclusive sections alone)
 *   → safety guard (guard.ts: PIN retry guard, INITIALIZE confirmation), which must see the plain,
 *     whole command
 *   → secure-messaging slot (`channel.secureMessaging`; plain above, protected below)
 *   → command chaining (short-only readers) → GET RESPONSE on 61xx → re-send on 6Cxx → transport
 *
 * The guard's own status query goes down the same way (protected when a secure channel is open).
 * `sendRaw` (bytes that are no well-formed APDU) passes the guard, then goes to the transport as given.
 */
export function createChannel(transport: Transport, options: ChannelOptions = {}): Channel {
  let p = baseProcessor(transport);
  if (options.fixWrongLe !== false) p = wrongLeProcessor(p);
  if (options.getResponse !== false) p = getResponseProcessor(p, options.maxResponse ?? 0x10000 + 4096);
  if (options.shortOnly === true) p = shortOnlyProcessor(p);
  const lower = p;
  let sm: SecureMessagingLayer | undefined;
  let smProcessor: Processor | undefined;
  const guard = createGuard(
    (cmd) => (smProcessor ?? lower)(cmd),
    options.guard,
    () => smProcessor !== undefined,
    () => transport.guessedFrom,
  );
  const raw = async (bytes: Uint8Array): Promise<ResponseApdu> => decodeResponse(await transport.transmit(bytes));
  const lock = options.lock ?? new SessionLock();
  return {
    send: (cmd, policy) => lock.run(() => guard.send(cmd, policy)),
    sendRaw: (bytes, policy) => lock.run(() => guard.sendRaw(bytes, raw, policy)),
    transport,
    get secureMessaging() {
      return sm;
    },
    set secureMessaging(layer: SecureMessagingLayer | undefined) {
      sm = layer;
      smProcessor = layer?.wrap(lower);
      log(layer === undefined ? 'secure messaging off' : `secure messaging on (${layer.protocol})`);
    },
  };
}
