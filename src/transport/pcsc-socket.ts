/**
 * PC/SC through another pcscd's socket (one forwarded over SSH: `ssh -N -L /tmp/b.comm:/run/pcscd/pcscd.comm
 * host`). libpcsclite reads PCSCLITE_CSOCK_NAME once per process, so each socket is served by a worker
 * process of its own (pcsc-worker.ts, this same code with that variable set), spoken to over its
 * stdin/stdout with the bounded line protocol of pcsc-worker-protocol.ts. The result is an ordinary
 * Transport: any command can use a remote reader.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { createDebug } from './debug-log.ts';
import { TransportError, TransportTimeoutError } from './errors.ts';
import {
  hexToBytes,
  lineSplitter,
  bytesToHex,
  type WorkerReaderInfo,
  type WorkerRequest,
  type WorkerResponse,
} from './pcsc-worker-protocol.ts';
import type { Transport } from './transport.ts';

const log = createDebug('schsm:transport');

/** Under tsx the worker is the .ts source; from dist/ (library or CLI bundle) the .js beside this file. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './pcsc-worker.ts' : './pcsc-worker.js', import.meta.url);

/** Bounds per request (a card generating an RSA-4096 key may take a minute or more). */
const TIMEOUT_MS = { transmit: 300_000, begin: 30_000, other: 20_000 } as const;
/** What is kept of the worker's stderr, for the error when it dies. */
const STDERR_TAIL = 2048;

/** A failure the worker reported, with the code and hint it had there (exit codes follow the code). */
export class RemotePcscError extends TransportError {
  override name = 'RemotePcscError';
  constructor(message: string, code: string, hint: string | undefined) {
    super(message, code, hint === undefined ? {} : { hint });
  }
}

type Ok = Extract<WorkerResponse, { ok: true }>;
type Pending = { resolve: (r: Ok) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type Body = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

function workerArgs(): string[] {
  const file = WORKER_URL.pathname;
  if (!file.endsWith('.ts')) return [file];
  return ['--import', import.meta.resolve('tsx'), file];
}

/** Refuse early and clearly when PATH is not a socket (no worker started). */
function checkSocket(path: string): void {
  let kind: string;
  try {
    kind = statSync(path).isSocket() ? 'socket' : 'not a socket';
  } catch {
    kind = 'missing';
  }
  if (kind !== 'socket')
    throw new TransportError(`no pcscd socket at ${path} (${kind})`, 'ERR_SCHSM_TRANSPORT_SOCKET', {
      hint: 'forward the remote pcscd first, e.g. ssh -N -L /tmp/hsm-b.comm:/run/pcscd/pcscd.comm hsm-b',
    });
}

/** One worker process bound to one pcscd socket. */
export class PcscSocketWorker {
  readonly socket: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #stderr = '';
  #exited: Promise<void>;
  #dead: Error | undefined;

  constructor(socket: string) {
    checkSocket(socket);
    this.socket = socket;
    const { DEBUG: _debug, ...env } = process.env;
    this.#child = spawn(process.execPath, workerArgs(), { env: { ...env, PCSCLITE_CSOCK_NAME: socket }, stdio: ['pipe', 'pipe', 'pipe'] });
    log('PC/SC worker %d for %s', this.#child.pid, socket);
    this.#child.stdout.on(
      'data',
      lineSplitter(
        (l) => this.#answer(l),
        () => this.#fail('sent a line longer than the protocol allows'),
      ),
    );
    this.#child.stderr.on('data', (d: Buffer) => void (this.#stderr = (this.#stderr + d.toString()).slice(-STDERR_TAIL)));
    this.#child.stdin.on('error', () => undefined); // a dead worker is reported by 'exit'
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#fail(
          `exited (${signal ?? `code ${code}`})${this.#stderr.trim() === '' ? '' : `: ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`}`,
        );
        resolve();
      });
      this.#child.once('error', (err) => {
        this.#fail(`could not be started: ${err.message}`);
        resolve();
      });
    });
  }

  #fail(why: string): void {
    this.#dead ??= new TransportError(`the PC/SC worker for ${this.socket} ${why}`, 'ERR_SCHSM_TRANSPORT_WORKER', {
      hint: 'is the socket forwarded and its pcscd running? `-v` shows the exchanges',
    });
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.#dead);
    }
    this.#pending.clear();
    if (this.#child.exitCode === null) this.#child.kill();
  }

  #answer(text: string): void {
    let r: WorkerResponse;
    try {
      r = JSON.parse(text) as WorkerResponse;
    } catch {
      return this.#fail('sent something that is not protocol JSON');
    }
    const p = this.#pending.get(r.id);
    if (p === undefined) return this.#fail(`answered request ${r.id}, which is not pending`);
    this.#pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r);
    else p.reject(new RemotePcscError(`${r.error.message} (pcscd at ${this.socket})`, r.error.code, r.error.hint));
  }

  /** Send one request and wait (bounded) for its answer. */
  request(body: Body): Promise<Ok> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const id = this.#next++;
    const ms = body.op === 'transmit' ? TIMEOUT_MS.transmit : body.op === 'begin' ? TIMEOUT_MS.begin : TIMEOUT_MS.other;
    return new Promise<Ok>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TransportTimeoutError(`"${body.op}" through the PC/SC worker for ${this.socket}`, ms));
        this.#fail('timed out');
      }, ms);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  /** The readers of the pcscd behind this socket, with the state of their cards. */
  async listReaders(): Promise<WorkerReaderInfo[]> {
    return [...((await this.request({ op: 'list' })).readers ?? [])];
  }

  /** Ask the worker to close and exit; kill it when it does not within a moment. */
  async stop(): Promise<void> {
    if (this.#dead === undefined) await this.request({ op: 'close' }).catch(() => undefined);
    const killer = setTimeout(() => this.#child.kill(), 2000);
    await this.#exited;
    clearTimeout(killer);
  }
}

/** The readers behind a pcscd socket (one short-lived worker). */
export async function listPcscSocketReaders(socket: string): Promise<WorkerReaderInfo[]> {
  const worker = new PcscSocketWorker(socket);
  try {
    return await worker.listReaders();
  } finally {
    await worker.stop();
  }
}

export interface OpenPcscSocketOptions {
  readonly socket: string;
  /** Reader name, unique part of it, or index, as for local readers; default: the first with a card. */
  readonly reader?: string;
  readonly exclusive?: boolean;
  /** With no `reader`: refuse (exit 4) when more than one remote reader holds a card, instead of taking the first. */
  readonly requireUniqueCard?: boolean;
}

/** A Transport to the card in a reader behind `socket`; closing it ends the worker. */
export async function openPcscSocketTransport(options: OpenPcscSocketOptions): Promise<Transport> {
  const worker = new PcscSocketWorker(options.socket);
  let opened: Ok;
  try {
    opened = await worker.request({
      op: 'open',
      ...(options.reader === undefined ? {} : { reader: options.reader }),
      ...(options.exclusive === true ? { exclusive: true } : {}),
      ...(options.requireUniqueCard === true ? { requireUniqueCard: true } : {}),
    });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  let atr = hexToBytes(opened.atr ?? '') ?? new Uint8Array();
  let depth = 0;
  let closed = false;
  return {
    name: opened.name ?? options.reader ?? '?',
    get atr() {
      return atr;
    },
    ...(opened.protocol === undefined ? {} : { protocol: opened.protocol }),
    // several remote cards and none named: the channel's guard refuses PIN tries and erases on this one
    ...(opened.guessedFrom === undefined ? {} : { guessedFrom: [...opened.guessedFrom] }),
    async transmit(command) {
      const r = await worker.request({ op: 'transmit', apdu: bytesToHex(command) });
      const bytes = hexToBytes(r.response ?? '');
      if (bytes === undefined)
        throw new TransportError(`the PC/SC worker for ${options.socket} answered no response bytes`, 'ERR_SCHSM_TRANSPORT_WORKER');
      return bytes;
    },
    async reset() {
      atr = hexToBytes((await worker.request({ op: 'reset' })).atr ?? '') ?? new Uint8Array();
    },
    async close() {
      if (closed) return;
      closed = true;
      await worker.stop();
    },
    async exclusive(fn) {
      if (depth === 0) await worker.request({ op: 'begin' });
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
        if (depth === 0) await worker.request({ op: 'end' }).catch(() => undefined);
      }
    },
  };
}
