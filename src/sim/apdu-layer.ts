import type { ParsedCommand } from '../apdu/command.ts';
import { SW } from '../apdu/status-words.ts';
import { CLA } from './constants.ts';
import type { SimReply, SimSession } from './types.ts';

/**
 * The ISO/IEC 7816-4 transport rules the simulated card applies around every instruction handler:
 * CLA checks, command chaining (CLA bit 0x10), and long responses via 61xx + GET RESPONSE (§1.2).
 */

const EMPTY = new Uint8Array(0);

/** Largest command data a chain may assemble (the Lc maximum of an extended APDU). */
export const MAX_CHAINED_DATA = 0xffff;

/** SW1 SW2 alone. */
export function swBytes(sw: number): Uint8Array {
  return Uint8Array.of(sw >> 8, sw & 0xff);
}

/**
 * CLA check. Accepted: 00 and 80 (interindustry and proprietary class, §3.0; no INS checks its class,
 * OpenSC itself sends VERIFY with 80 on some variants), each optionally with the chaining bit 10.
 * Logical channel bits → 6881 (the ATR announces no logical channels, §2.1). Secure-messaging bits:
 * `0C` (header authenticated, ISO/IEC 7816-4 SM) is what the card speaks after chip authentication
 * (§3.21) and is accepted here; `04` (proprietary SM) and `08` (header not authenticated) → 6882
 * (pico's 6E00 would make CardContact hosts re-select in a loop, §2.3). Any other class byte
 * (e.g. FF, 40..7F) → 6E00.
 * Returns undefined when the CLA is acceptable.
 */
export function checkCla(cla: number): number | undefined {
  if ((cla & 0x60) !== 0) return SW.CLA_NOT_SUPPORTED; // 20..7F, A0..FF: other classes
  const sm = cla & CLA.SECURE_MESSAGING;
  if (sm !== 0 && sm !== CLA.SECURE_MESSAGING) return 0x6882;
  if ((cla & CLA.CHANNEL) !== 0) return 0x6881;
  return undefined;
}

function headerOf(cmd: ParsedCommand): number {
  return (((cmd.cla & ~CLA.CHAINING & 0xff) << 24) | (cmd.ins << 16) | (cmd.p1 << 8) | cmd.p2) >>> 0;
}

function withData(cmd: ParsedCommand, data: Uint8Array): ParsedCommand {
  const extended = data.length > 255 || cmd.ne > 256;
  const kind = cmd.ne === 0 ? '3' : '4';
  return { ...cmd, cla: cmd.cla & ~CLA.CHAINING, data, form: extended ? 'extended' : 'short', case: `${kind}${extended ? 'E' : 'S'}` };
}

/**
 * Command chaining (ISO 7816-4 §5.3.3). A link (CLA bit 10) is buffered and answered 9000; the
 * final command (same CLA/INS/P1/P2 without the bit) receives the assembled data. A chained link
 * with another header aborts the chain with 6883; an unchained command with another header silently
 * abandons the chain (ISO allows the card to abort) and is processed normally, so a host that gave up
 * half-way is never stuck. Returns either the status to answer or the (possibly assembled) command.
 */
export function applyChaining(cmd: ParsedCommand, session: SimSession): { sw: number } | { cmd: ParsedCommand } {
  const chain = session.chain;
  if ((cmd.cla & CLA.CHAINING) !== 0) {
    const header = headerOf(cmd);
    if (chain !== undefined && chain.header !== header) {
      session.chain = undefined;
      return { sw: SW.LAST_COMMAND_OF_CHAIN_EXPECTED };
    }
    const prior = chain?.data ?? EMPTY;
    if (prior.length + cmd.data.length > MAX_CHAINED_DATA) {
      session.chain = undefined;
      return { sw: SW.WRONG_LENGTH };
    }
    const data = new Uint8Array(prior.length + cmd.data.length);
    data.set(prior, 0);
    data.set(cmd.data, prior.length);
    session.chain = { header, data };
    return { sw: SW.OK };
  }
  if (chain === undefined) return { cmd };
  session.chain = undefined;
  if (chain.header !== headerOf(cmd)) return { cmd };
  if (chain.data.length + cmd.data.length > MAX_CHAINED_DATA) return { sw: SW.WRONG_LENGTH };
  const data = new Uint8Array(chain.data.length + cmd.data.length);
  data.set(chain.data, 0);
  data.set(cmd.data, chain.data.length);
  return { cmd: withData(cmd, data) };
}

function withSw(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** 61xx for `remaining` bytes still to fetch (xx = 00 when 256 or more). */
function moreData(remaining: number): number {
  return 0x6100 | (remaining > 0xff ? 0 : remaining);
}

/**
 * Turn a handler's reply into response bytes for a command that expected `ne` bytes (§1.2):
 * - Ne = 0 (case 1/3): status only, never data (ISO semantics; pico's 61xx here is not copied).
 * - data ≤ Ne: data ‖ SW.
 * - data > Ne with 9000: the first Ne bytes ‖ 61xx; the rest waits for GET RESPONSE.
 * - data > Ne with a warning/error SW: truncated to Ne bytes ‖ SW.
 */
export function shapeResponse(reply: SimReply, ne: number, session: SimSession): Uint8Array {
  const data = reply.data;
  if (data === undefined || data.length === 0 || ne === 0) return swBytes(reply.sw);
  if (data.length <= ne) return withSw(data, reply.sw);
  if (reply.sw !== SW.OK) return withSw(data.subarray(0, ne), reply.sw);
  const rest = data.subarray(ne);
  session.pendingResponse = rest;
  return withSw(data.subarray(0, ne), moreData(rest.length));
}

/**
 * GET RESPONSE `00 C0 00 00 Le` (§1.2): the next min(Ne, remaining) bytes, ending 61xx while more
 * remain and 9000 with the last part. Nothing pending → 6985; P1P2 ≠ 0000 → 6A86; no Le → 6700.
 */
export function getResponse(cmd: ParsedCommand, session: SimSession): Uint8Array {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return swBytes(SW.INCORRECT_P1P2);
  if (cmd.data.length !== 0 || cmd.ne === 0) return swBytes(SW.WRONG_LENGTH);
  const pending = session.pendingResponse;
  if (pending === undefined) return swBytes(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const n = Math.min(cmd.ne, pending.length);
  const rest = pending.subarray(n);
  session.pendingResponse = rest.length === 0 ? undefined : rest;
  return withSw(pending.subarray(0, n), rest.length === 0 ? SW.OK : moreData(rest.length));
}
