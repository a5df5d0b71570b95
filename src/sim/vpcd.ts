import net from 'node:net';
import createDebug from 'debug';
import type { VirtualCard } from './virtual-card.ts';

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

/** The PC/SC reader name pcscd gives the vpcd slot listening on `port`. */
export function vpcdReaderName(port: number = VPCD.PORT): string {
  return `Virtual PCD 00 ${String(port - VPCD.PORT).padStart(2, '0')}`;
}

export type VpcdEvent =
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected'; readonly reason: string }
  | { readonly kind: 'silent'; readonly ms: number }
  | { readonly kind: 'power-off' | 'power-on' | 'reset' | 'atr' }
  | { readonly kind: 'apdu'; readonly command: Uint8Array; readonly response: Uint8Array; readonly micros: number }
  | { readonly kind: 'error'; readonly error: Error };

export interface VpcdOptions {
  readonly host?: string;
  readonly port?: number;
  /** Everything that happens on the link (tests and `schsm sim serve` show it). */
  readonly onEvent?: (event: VpcdEvent) => void;
  /** Reconnect back-off bounds in ms (default 50 → 1000). */
  readonly retryMs?: { readonly min: number; readonly max: number };
  /**
   * Set TCP_NODELAY and TCP_QUICKACK (default true). vpcd writes a frame's length and body in two
   * writes; with delayed ACKs on our side its second write waits for our ACK. Off only to measure that.
   */
  readonly tcpTuning?: boolean;
}

export interface VpcdHandle {
  /** The PC/SC reader in which the card appears. */
  readonly readerName: string;
  readonly port: number;
  /** Pull the card: disconnect and stop reconnecting. pcscd reports the reader empty at its next poll. */
  close(): Promise<void>;
}

/** vpcd polls the ATR a few times a second; this much silence means another card holds the slot. */
const SILENT_AFTER_MS = 3000;

/**
 * Serve `card` to pcscd through vpcd. Connects at once and reconnects with back-off whenever the
 * link drops (pcscd restarted or not yet up) until `close()`.
 */
export function serveVpcd(card: VirtualCard, options: VpcdOptions = {}): VpcdHandle {
  const host = options.host ?? VPCD.HOST;
  const port = options.port ?? VPCD.PORT;
  const emit = options.onEvent ?? (() => undefined);
  const retry = options.retryMs ?? { min: 50, max: 1000 };
  const tune = options.tcpTuning !== false;
  let delay = retry.min;
  let socket: net.Socket | undefined;
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = (): void => {
    const s = net.connect({ host, port });
    socket = s;
    const link = createLink(s, card, emit, tune);
    s.once('connect', () => {
      delay = retry.min;
      if (tune) s.setNoDelay(true);
      log('vpcd %s:%d connected', host, port);
      emit({ kind: 'connected' });
    });
    s.on('error', (error) => log('vpcd %s:%d: %s', host, port, error.message));
    s.once('close', () => {
      link.stop();
      socket = undefined;
      emit({ kind: 'disconnected', reason: closing ? 'closed' : 'link lost' });
      if (closing) return;
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(retry.max, delay * 2);
    });
  };
  if (tune) void loadQuickAck();
  connect();

  return {
    readerName: vpcdReaderName(port),
    port,
    close: async () => {
      closing = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const s = socket;
      if (s === undefined || s.destroyed) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.destroy();
      });
    },
  };
}

/** Frame reassembly and in-order processing for one TCP connection. */
function createLink(s: net.Socket, card: VirtualCard, emit: (e: VpcdEvent) => void, tune: boolean): { stop(): void } {
  let buffered: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  let silentTimer: NodeJS.Timeout | undefined = setTimeout(() => emit({ kind: 'silent', ms: SILENT_AFTER_MS }), SILENT_AFTER_MS);
  s.on('data', (chunk: Buffer) => {
    if (tune) quickAck(s);
    if (silentTimer !== undefined) clearTimeout(silentTimer);
    silentTimer = undefined;
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const n = buffered.readUInt16BE(0);
      if (buffered.length < 2 + n) break;
      const payload = Uint8Array.from(buffered.subarray(2, 2 + n));
      buffered = buffered.subarray(2 + n);
      queue = queue.then(() => handleFrame(s, card, payload, emit));
    }
  });
  return {
    stop: () => {
      if (silentTimer !== undefined) clearTimeout(silentTimer);
    },
  };
}

async function handleFrame(s: net.Socket, card: VirtualCard, payload: Uint8Array, emit: (e: VpcdEvent) => void): Promise<void> {
  if (payload.length === 1) {
    handleControl(s, card, payload[0] ?? -1, emit);
    return;
  }
  const started = process.hrtime.bigint();
  let response = await card.process(payload);
  if (response.length > VPCD.MAX_PAYLOAD) {
    emit({ kind: 'error', error: new Error(`response of ${response.length} bytes does not fit a vpcd frame (max 65535); answered 6F00`) });
    response = Uint8Array.of(0x6f, 0x00);
  }
  send(s, response);
  emit({ kind: 'apdu', command: payload, response, micros: Number(process.hrtime.bigint() - started) / 1000 });
}

function handleControl(s: net.Socket, card: VirtualCard, code: number, emit: (e: VpcdEvent) => void): void {
  switch (code) {
    case VPCD.CTRL.GET_ATR:
      send(s, card.atr);
      emit({ kind: 'atr' });
      return;
    case VPCD.CTRL.POWER_ON:
      card.reset(); // cold start: nothing volatile survives a power cycle
      emit({ kind: 'power-on' });
      return;
    case VPCD.CTRL.RESET:
      card.reset();
      emit({ kind: 'reset' });
      return;
    case VPCD.CTRL.POWER_OFF:
      emit({ kind: 'power-off' });
      return;
    default:
      emit({ kind: 'error', error: new Error(`unknown vpcd control byte 0x${code.toString(16)}`) });
  }
}

function send(s: net.Socket, payload: Uint8Array): void {
  if (s.destroyed) return;
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  s.write(frame);
}

/** Linux TCP_QUICKACK (IPPROTO_TCP 6, option 12). Reset by the kernel, so set again after each read. */
const TCP = { IPPROTO_TCP: 6, TCP_QUICKACK: 12 } as const;
type SetSockOpt = (socket: net.Socket, level: number, option: number, value: number) => void;
let setsockopt: SetSockOpt | null | undefined; // undefined: not tried yet; null: unavailable

/** Start loading `sockopt` (optional native package); until it is loaded, or without it, nothing happens. */
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

function quickAck(s: net.Socket): void {
  if (setsockopt === undefined) {
    void loadQuickAck();
    return;
  }
  if (setsockopt === null || process.platform !== 'linux') return;
  try {
    setsockopt(s, TCP.IPPROTO_TCP, TCP.TCP_QUICKACK, 1);
  } catch {
    // the socket has no fd any more (closing): nothing to speed up
  }
}
