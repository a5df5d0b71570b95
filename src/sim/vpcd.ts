import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createDebug } from '../transport/debug-log.ts';
import type { VirtualCard } from './virtual-card.ts';
import { VPCD, type LinkConfig, type LinkMessage } from './vpcd-wire.ts';

export { VPCD, loadQuickAck } from './vpcd-wire.ts';

const log = createDebug('schsm:sim');

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
  /** Everything that happens on the link (tests and `schsm sim serve` show it). Called on the main thread. */
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

/** After this long, a link thread that was asked to close is terminated. */
const CLOSE_GRACE_MS = 2000;

/** From dist/ the link thread is the compiled .js; under tsx it is the .ts source. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './vpcd-worker.ts' : './vpcd-worker.js', import.meta.url);

/** tsx's API module, as a URL a worker can import; undefined when tsx is not installed. */
function tsxApi(): string | undefined {
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
    // tsx loaded this file as CommonJS (from a CJS entry point): no import.meta.resolve, and require
    // finds the .cjs build of the API, whose register() cannot run from an ES module: take its .mjs twin.
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
    return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  } catch {
    return undefined;
  }
}

/**
 * Start the link thread. A .ts worker needs tsx inside the worker, and on Node 20 `--import tsx` in
 * the worker's execArgv is not enough (tsx registers its hooks on the main thread only): a one-line
 * bootstrap registers tsx through its API, then imports the worker module.
 */
function startWorker(workerData: { vpcdLink: LinkConfig }): Worker {
  const api = WORKER_URL.pathname.endsWith('.ts') ? tsxApi() : undefined;
  if (api === undefined) return new Worker(WORKER_URL, { workerData }); // dist/, or another TS loader
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Serve `card` to pcscd through vpcd. The TCP link runs in a worker thread (src/sim/vpcd-worker.ts:
 * WHY there) that connects at once and reconnects with back-off whenever the link drops (pcscd
 * restarted or not yet up) until `close()`; command APDUs, resets and events come to this thread.
 */
export function serveVpcd(card: VirtualCard, options: VpcdOptions = {}): VpcdHandle {
  const host = options.host ?? VPCD.HOST;
  const port = options.port ?? VPCD.PORT;
  const emit = options.onEvent ?? (() => undefined);
  const retry = options.retryMs ?? { min: 50, max: 1000 };
  const atr = createAtrSync(card);
  let closing = false;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let restartDelay = retry.min;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = (): void => {
    const vpcdLink: LinkConfig = {
      host,
      port,
      retryMin: retry.min,
      retryMax: retry.max,
      tune: options.tcpTuning !== false,
      atr: atr.current(),
    };
    const w = startWorker({ vpcdLink });
    worker = w;
    const linked = serveCard(card, w, emit, atr);
    w.on('error', (error) => emit({ kind: 'error', error: new Error(`vpcd link thread failed: ${error.message}`, { cause: error }) }));
    exited = new Promise((resolve) => {
      w.once('exit', (code) => {
        worker = undefined;
        resolve();
        if (closing) return;
        log('vpcd link thread exited (%d); restarting in %d ms', code, restartDelay);
        if (linked()) {
          restartDelay = retry.min; // it had worked: no reason to wait long
          emit({ kind: 'disconnected', reason: 'link lost' });
        }
        restartTimer = setTimeout(start, restartDelay);
        restartDelay = Math.min(retry.max, restartDelay * 2);
      });
    });
  };
  start();

  return {
    readerName: vpcdReaderName(port),
    port,
    close: async () => {
      closing = true;
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      const w = worker;
      if (w === undefined) return;
      w.postMessage({ close: true });
      const kill = setTimeout(() => void w.terminate(), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}

interface AtrSync {
  /** A copy of the ATR the link thread answers GET_ATR with. */
  current(): Uint8Array;
  /** Tell the link thread when the card's ATR changed (checked after every reset and APDU). */
  sync(w: Worker): void;
}

function createAtrSync(card: VirtualCard): AtrSync {
  let seen = card.atr;
  let sent = Uint8Array.from(seen);
  return {
    current: () => Uint8Array.from(sent),
    sync: (w) => {
      const now = card.atr;
      if (now === seen) return;
      seen = now;
      if (now.length === sent.length && now.every((b, i) => b === sent[i])) return;
      sent = Uint8Array.from(now);
      const copy = Uint8Array.from(now);
      w.postMessage({ atr: copy.buffer }, [copy.buffer]);
    },
  };
}

/**
 * The card's side on this thread: APDUs, resets and frame events in link order (one queue); link
 * events at once. Returns whether the link is currently up.
 */
function serveCard(card: VirtualCard, w: Worker, emit: (e: VpcdEvent) => void, atr: AtrSync): () => boolean {
  let queue: Promise<void> = Promise.resolve();
  let up = false;
  const inOrder = (task: () => void | Promise<void>): void => {
    queue = queue
      .then(task)
      .catch((error: unknown) => emit({ kind: 'error', error: error instanceof Error ? error : new Error(String(error)) }));
  };
  w.on('message', (m: LinkMessage) => {
    if (m instanceof ArrayBuffer) return inOrder(() => exchange(card, w, new Uint8Array(m), emit, atr));
    switch (m.kind) {
      case 'power-on':
      case 'reset':
        return inOrder(() => {
          card.reset();
          atr.sync(w);
          emit(m);
        });
      case 'power-off':
      case 'atr':
        return inOrder(() => emit(m));
      case 'error':
        return emit({ kind: 'error', error: new Error(m.message) });
      default:
        if (m.kind === 'connected' || m.kind === 'disconnected') up = m.kind === 'connected';
        return emit(m);
    }
  });
  return () => up;
}

async function exchange(card: VirtualCard, w: Worker, command: Uint8Array, emit: (e: VpcdEvent) => void, atr: AtrSync): Promise<void> {
  const started = process.hrtime.bigint();
  let response: Uint8Array;
  try {
    response = await card.process(command);
  } catch (error) {
    emit({
      kind: 'error',
      error: new Error(`the card threw instead of answering (answered 6F00): ${(error as Error).message}`, { cause: error }),
    });
    response = Uint8Array.of(0x6f, 0x00);
  }
  if (response.length > VPCD.MAX_PAYLOAD) {
    emit({ kind: 'error', error: new Error(`response of ${response.length} bytes does not fit a vpcd frame (max 65535); answered 6F00`) });
    response = Uint8Array.of(0x6f, 0x00);
  }
  const out = new Uint8Array(response.length); // a copy is transferred: the card may keep or reuse its array
  out.set(response);
  w.postMessage(out.buffer, [out.buffer]);
  emit({ kind: 'apdu', command, response, micros: Number(process.hrtime.bigint() - started) / 1000 });
  atr.sync(w);
}
