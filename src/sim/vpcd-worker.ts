import net from 'node:net';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createDebug } from '../transport/debug-log.ts';
import { loadQuickAck, quickAck, VPCD, type LinkConfig, type LinkMessage, type MainMessage } from './vpcd-wire.ts';

/**
 * The vpcd link of `serveVpcd`, in its own thread. WHY a thread: pcscd's vpcd driver asks the card
 * for its ATR (presence polling every ~400 ms, power-up, reset) while holding the reader, and pcscd
 * answers other clients' requests only after that. The `pcsclite` binding makes some PC/SC calls
 * synchronously on the JS main thread (SCardEstablishContext and SCardGetStatusChange when a context
 * is created, SCardCancel on close). When the card was served from the main thread too, such a call
 * waited for pcscd, pcscd waited for the card's ATR, and the card waited for the main thread: a
 * deadlock that hung the process for good. Here the socket, the framing and every control frame
 * (GET_ATR answered from the ATR the main thread gave us; power and reset only reported) are handled
 * without the main thread; only command APDUs go to it (the card's state lives there).
 */

const log = createDebug('schsm:sim');

/** vpcd polls the ATR a few times a second; this much silence means another card holds the slot. */
const SILENT_AFTER_MS = 3000;

function runLink(main: MessagePort, config: LinkConfig): void {
  const post = (m: LinkMessage, transfer?: ArrayBuffer[]): void => main.postMessage(m, transfer);
  let atr = Uint8Array.from(config.atr);
  let delay = config.retryMin;
  let socket: net.Socket | undefined;
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // Answers leave in request order: null is an APDU whose response is still due from the main thread,
  // bytes are a GET_ATR answer that must wait for it (vpcd itself never asks while an APDU is open).
  let pending: Array<Uint8Array | null> = [];
  let stale = 0; // responses still due for APDUs of a connection that is gone: dropped in order

  const reply = (bytes: Uint8Array | null): void => {
    if (pending.length === 0 && bytes !== null) {
      if (socket !== undefined) send(socket, bytes);
    } else pending.push(bytes);
  };
  const answer = (response: ArrayBuffer): void => {
    if (stale > 0) {
      stale--;
      return;
    }
    pending.shift();
    if (socket !== undefined) send(socket, new Uint8Array(response));
    while (pending[0] instanceof Uint8Array) {
      const ready = pending.shift() as Uint8Array;
      if (socket !== undefined) send(socket, ready);
    }
  };
  const finish = (): void => {
    // Messages posted so far are delivered before the main thread sees this thread's 'exit'.
    process.exit(0);
  };
  main.on('message', (m: MainMessage) => {
    if (m instanceof ArrayBuffer) answer(m);
    else if ('atr' in m) atr = new Uint8Array(m.atr);
    else {
      closing = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      if (socket === undefined || socket.destroyed) finish();
      else socket.destroy();
    }
  });

  const connect = (): void => {
    const s = net.connect({ host: config.host, port: config.port });
    socket = s;
    const stopFraming = frameSocket(s, config.tune, post, (payload) => {
      if (payload.length !== 1) {
        reply(null);
        post(payload.buffer as ArrayBuffer, [payload.buffer as ArrayBuffer]);
        return;
      }
      control(payload[0] ?? -1);
    });
    s.once('connect', () => {
      delay = config.retryMin;
      if (config.tune) s.setNoDelay(true);
      log('vpcd %s:%d connected', config.host, config.port);
      post({ kind: 'connected' });
    });
    s.on('error', (error) => log('vpcd %s:%d: %s', config.host, config.port, error.message));
    s.once('close', () => {
      stopFraming();
      socket = undefined;
      stale += pending.filter((p) => p === null).length;
      pending = [];
      post({ kind: 'disconnected', reason: closing ? 'closed' : 'link lost' });
      if (closing) return finish();
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(config.retryMax, delay * 2);
    });
  };

  const control = (code: number): void => {
    switch (code) {
      case VPCD.CTRL.GET_ATR:
        reply(atr);
        return post({ kind: 'atr' });
      case VPCD.CTRL.POWER_ON: // the main thread resets the card: nothing volatile survives a power cycle
        return post({ kind: 'power-on' });
      case VPCD.CTRL.RESET:
        return post({ kind: 'reset' });
      case VPCD.CTRL.POWER_OFF:
        return post({ kind: 'power-off' });
      default:
        return post({ kind: 'error', message: `unknown vpcd control byte 0x${code.toString(16)}` });
    }
  };

  // Tune before the first frame: an untuned first exchange costs vpcd a 40 ms delayed ACK.
  void (config.tune ? loadQuickAck() : Promise.resolve(false)).then(() => {
    if (!closing) connect();
  });
}

/** Frame reassembly for one TCP connection; `onFrame` gets each payload in its own ArrayBuffer. */
function frameSocket(s: net.Socket, tune: boolean, post: (m: LinkMessage) => void, onFrame: (payload: Uint8Array) => void): () => void {
  let buffered: Buffer = Buffer.alloc(0);
  let silentTimer: NodeJS.Timeout | undefined = setTimeout(() => post({ kind: 'silent', ms: SILENT_AFTER_MS }), SILENT_AFTER_MS);
  s.on('data', (chunk: Buffer) => {
    if (tune) quickAck(s);
    if (silentTimer !== undefined) clearTimeout(silentTimer);
    silentTimer = undefined;
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const n = buffered.readUInt16BE(0);
      if (buffered.length < 2 + n) break;
      const payload = new Uint8Array(n); // own buffer, never the socket's pooled one: it is transferred
      payload.set(buffered.subarray(2, 2 + n));
      buffered = buffered.subarray(2 + n);
      onFrame(payload);
    }
  });
  return () => {
    if (silentTimer !== undefined) clearTimeout(silentTimer);
  };
}

function send(s: net.Socket, payload: Uint8Array): void {
  if (s.destroyed) return;
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  s.write(frame);
}

const config = (workerData as { vpcdLink?: LinkConfig } | null)?.vpcdLink;
if (!isMainThread && parentPort !== null && config !== undefined) runLink(parentPort, config);
