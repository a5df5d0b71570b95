import { randomBytes } from 'node:crypto';
import { parseCommand, type ParsedCommand } from '../apdu/command.ts';
import type { VirtualCard } from './virtual-card.ts';

/**
 * A minimal test card for the transport layer (not a SmartCard-HSM). It lets transport and channel
 * tests run end to end, also through pcscd + vpcd, with responses whose bytes the test can predict:
 *
 *   SELECT        00 A4 04 xx Lc AID [Le]  → 9000 for ECHO_CARD.AID, else 6A82
 *   GET CHALLENGE 00 84 00 00 Le           → Ne random bytes (short or extended Le, up to 65536)
 *   ECHO          80 EE P1 P2 Lc data Le   → the command data (at most Ne bytes), 9000
 *   SET MODE      80 E0 mode chunk         → how later responses are delivered (see EchoMode)
 *   GET RESPONSE  00 C0 00 00 Le           → the next part of a held-back response
 *
 * Command chaining (CLA | 0x10, ISO 7816-4 §5.1.1.1) works for ECHO: each chained part is answered
 * 9000 and the last part echoes all the data; a part for another INS breaks the chain (6883).
 * Anything else: 6E00 (CLA), 6D00 (INS), 6700 (malformed length fields).
 */
export const ECHO_CARD = {
  /** 3B 8A 80 01 ‖ "schsm-echo" ‖ TCK: direct convention, T=1, 10 historical bytes. */
  ATR: Uint8Array.from([0x3b, 0x8a, 0x80, 0x01, 0x73, 0x63, 0x68, 0x73, 0x6d, 0x2d, 0x65, 0x63, 0x68, 0x6f, 0x41]),
  /** Proprietary RID F0 ‖ "schsmecho". */
  AID: Uint8Array.from([0xf0, 0x73, 0x63, 0x68, 0x73, 0x6d, 0x65, 0x63, 0x68, 0x6f]),
  INS: {
    SELECT: 0xa4, // ISO 7816-4 §11.1.1
    GET_CHALLENGE: 0x84, // ISO 7816-4 §11.5.3
    GET_RESPONSE: 0xc0, // ISO 7816-4 §11.7.1
    ECHO: 0xee, // proprietary (CLA 80)
    SET_MODE: 0xe0, // proprietary (CLA 80): P1 = mode, P2 = chunk for 'get-response'
  },
} as const;

/**
 * How a response with data is delivered:
 * - `direct`: data (at most Ne bytes) ‖ 9000.
 * - `get-response`: T=0 style: `61xx` first (with `chunk` data bytes, 0 = none), the rest by GET RESPONSE
 *   in parts of at most min(Le, chunk || 256) bytes, each part but the last ending `61xx`.
 * - `wrong-le`: `6Cxx` when Ne differs from the exact length (≤ 256); the re-sent command gets the data.
 */
export type EchoMode = 'direct' | 'get-response' | 'wrong-le';

export const ECHO_MODES: readonly EchoMode[] = ['direct', 'get-response', 'wrong-le'];

export interface EchoCardOptions {
  /** Mode after power-on and reset (default 'direct'). */
  readonly mode?: EchoMode;
  /** Chunk size for 'get-response' (default 0: the first answer is a bare 61xx). */
  readonly chunk?: number;
}

export interface EchoCard extends VirtualCard {
  /** Change the delivery mode until the next reset. */
  setMode(mode: EchoMode, chunk?: number): void;
  readonly mode: EchoMode;
  /** Every command received since creation, in order (tests check what reached the card). */
  readonly received: Uint8Array[];
  /** How many times the card was reset (power-on, warm reset). */
  readonly resets: number;
}

const sw = (value: number): Uint8Array => Uint8Array.of(value >> 8, value & 0xff);

function withSw(data: Uint8Array, value: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out.set(sw(value), data.length);
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Create an echo card. */
export function createEchoCard(options: EchoCardOptions = {}): EchoCard {
  const defaults = { mode: options.mode ?? 'direct', chunk: options.chunk ?? 0 };
  let mode: EchoMode = defaults.mode;
  let chunk = defaults.chunk;
  let pending: Uint8Array | undefined;
  let chain: Uint8Array[] | undefined;
  let resets = 0;
  const received: Uint8Array[] = [];

  /** Deliver `data` for a command that asked for `ne` bytes, according to the mode. */
  function deliver(data: Uint8Array, ne: number): Uint8Array {
    if (mode === 'wrong-le' && data.length <= 256 && ne !== data.length) return sw(0x6c00 | (data.length & 0xff));
    if (mode === 'get-response' && data.length > chunk) {
      pending = data.slice(chunk);
      return withSw(data.subarray(0, chunk), 0x6100 | (Math.min(pending.length, 256) % 256));
    }
    return withSw(data.subarray(0, Math.min(ne, data.length)), 0x9000);
  }

  function getResponse(ne: number): Uint8Array {
    if (pending === undefined) return sw(0x6985);
    const n = Math.min(ne, chunk === 0 ? 256 : chunk, pending.length);
    const part = pending.slice(0, n);
    pending = pending.length > n ? pending.slice(n) : undefined;
    return withSw(part, pending === undefined ? 0x9000 : 0x6100 | (Math.min(pending.length, 256) % 256));
  }

  /** Collect chained parts; the last part carries the whole data. 9000 for a part, 6883 for a broken chain. */
  function unchain(cmd: ParsedCommand): ParsedCommand | Uint8Array {
    const chained = (cmd.cla & 0x10) !== 0;
    if (chain !== undefined && cmd.ins !== ECHO_CARD.INS.ECHO) {
      chain = undefined;
      return sw(0x6883);
    }
    if (chained) {
      if (cmd.ins !== ECHO_CARD.INS.ECHO) return sw(0x6884);
      (chain ??= []).push(Uint8Array.from(cmd.data));
      return sw(0x9000);
    }
    if (chain === undefined) return cmd;
    const data = Uint8Array.from(Buffer.concat([...chain, cmd.data]));
    chain = undefined;
    return { ...cmd, data };
  }

  function dispatch(cmd: ParsedCommand | Uint8Array): Uint8Array {
    if (cmd instanceof Uint8Array) return cmd;
    const { INS } = ECHO_CARD;
    if (cmd.cla === 0x00 && cmd.ins === INS.SELECT) {
      if (cmd.p1 !== 0x04) return sw(0x6a86);
      return sameBytes(cmd.data, ECHO_CARD.AID) ? sw(0x9000) : sw(0x6a82);
    }
    if (cmd.cla === 0x00 && cmd.ins === INS.GET_CHALLENGE) return cmd.ne === 0 ? sw(0x6700) : deliver(randomBytes(cmd.ne), cmd.ne);
    if (cmd.cla === 0x00 && cmd.ins === INS.GET_RESPONSE) return getResponse(cmd.ne);
    if (cmd.cla === 0x80 && cmd.ins === INS.ECHO) return deliver(cmd.data, cmd.ne);
    if (cmd.cla === 0x80 && cmd.ins === INS.SET_MODE) {
      const m = ECHO_MODES[cmd.p1];
      if (m === undefined) return sw(0x6a86);
      mode = m;
      chunk = cmd.p2;
      return sw(0x9000);
    }
    if (cmd.cla !== 0x00 && cmd.cla !== 0x80) return sw(0x6e00);
    return sw(0x6d00);
  }

  return {
    atr: ECHO_CARD.ATR,
    get mode() {
      return mode;
    },
    get resets() {
      return resets;
    },
    received,
    setMode(m: EchoMode, c = 0) {
      mode = m;
      chunk = c;
    },
    reset() {
      resets++;
      mode = defaults.mode;
      chunk = defaults.chunk;
      pending = undefined;
      chain = undefined;
    },
    async process(command: Uint8Array): Promise<Uint8Array> {
      received.push(Uint8Array.from(command));
      let cmd: ParsedCommand;
      try {
        cmd = parseCommand(command);
      } catch {
        return sw(0x6700);
      }
      if (cmd.ins !== ECHO_CARD.INS.GET_RESPONSE) pending = undefined;
      try {
        return dispatch(unchain(cmd));
      } catch {
        return sw(0x6f00);
      }
    },
  };
}
