import type net from 'node:net';
import { createDebug } from '../transport/debug-log.ts';

const log = createDebug('schsm:sim');

/**
 * The vsmartcard `vpcd` protocol. pcscd's vpcd reader driver listens on 127.0.0.1:35963 (reader
 * "Virtual PCD 00 00"), :35964 ("Virtual PCD 00 01"), …; a virtual card connects to it as a TCP client.
 * Every frame in both directions is a 2-byte big-endian length followed by the payload. A 1-byte
 * payload from vpcd is a control code; anything longer is a command APDU, answered by the response.
 */
export const VPCD = {
  HOST: '127.0.0.1',
  PORT: 35963, // first reader; reader n listens on PORT + n
  CTRL: {
    POWER_OFF: 0x00,
    POWER_ON: 0x01,
    RESET: 0x02,
    GET_ATR: 0x04, // the only control that is answered: with the ATR
  },
  MAX_PAYLOAD: 0xffff,
} as const;

/** What `serveVpcd` hands the link thread at start (structured-cloned once). */
export interface LinkConfig {
  readonly host: string;
  readonly port: number;
  readonly retryMin: number;
  readonly retryMax: number;
  readonly tune: boolean;
  /** The ATR that GET_ATR is answered with until the main thread sends another one. */
  readonly atr: Uint8Array;
}

/**
 * Messages between the link thread and the main thread. The hot path carries bare ArrayBuffers
 * (transferred, not copied): link → main a command APDU, main → link its response, strictly in order.
 * Everything else is a small object.
 */
export type LinkEvent =
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected'; readonly reason: string }
  | { readonly kind: 'silent'; readonly ms: number }
  | { readonly kind: 'power-off' | 'power-on' | 'reset' | 'atr' }
  | { readonly kind: 'error'; readonly message: string };
export type LinkMessage = ArrayBuffer | LinkEvent;
export type MainMessage = ArrayBuffer | { readonly atr: ArrayBuffer } | { readonly close: true };

/** Linux TCP_QUICKACK (IPPROTO_TCP 6, option 12). Reset by the kernel, so set again after each read. */
const TCP = { IPPROTO_TCP: 6, TCP_QUICKACK: 12 } as const;
type SetSockOpt = (socket: net.Socket, level: number, option: number, value: number) => void;
let setsockopt: SetSockOpt | null | undefined; // undefined: not tried yet; null: unavailable

/**
 * Load `sockopt` (optional native package) in the calling thread; true when TCP_QUICKACK can be set.
 * The link thread loads it before it connects; without it, nothing happens.
 */
export async function loadQuickAck(): Promise<boolean> {
  if (setsockopt !== undefined) return setsockopt !== null;
  try {
    const mod = await import('sockopt');
    setsockopt = (mod.setsockopt ?? (mod as unknown as { default: { setsockopt: SetSockOpt } }).default.setsockopt) as SetSockOpt;
  } catch (error) {
    log('sockopt unavailable (%s): vpcd round trips may take 40 ms longer', (error as Error).message);
    setsockopt = null;
  }
  return setsockopt !== null;
}

/** vpcd writes a frame's length and body in two writes: ACK at once so its second write is not held back. */
export function quickAck(s: net.Socket): void {
  if (setsockopt === undefined || setsockopt === null || process.platform !== 'linux') return;
  try {
    setsockopt(s, TCP.IPPROTO_TCP, TCP.TCP_QUICKACK, 1);
  } catch {
    // the socket has no fd any more (closing): nothing to speed up
  }
}
