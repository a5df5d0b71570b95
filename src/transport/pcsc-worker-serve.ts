/**
 * The worker side of pcsc-worker-protocol.ts: answers requests from stdin on stdout, one at a time
 * and in order, with this process's PC/SC (whose socket the parent chose via PCSCLITE_CSOCK_NAME).
 * One card connection at most; a malformed or oversized line ends the worker (the parent sees the
 * exit and fails its pending request).
 */
import type { Readable, Writable } from 'node:stream';
import { SchsmError } from './errors.ts';
import { listReaders, openPcscTransport } from './pcsc.ts';
import {
  bytesToHex,
  hexToBytes,
  lineSplitter,
  type WorkerFailure,
  type WorkerRequest,
  type WorkerResponse,
} from './pcsc-worker-protocol.ts';
import type { Transport } from './transport.ts';

type Ok = Omit<Extract<WorkerResponse, { ok: true }>, 'id' | 'ok'>;

function failureOf(err: unknown): WorkerFailure {
  if (err instanceof SchsmError)
    return { name: err.name, code: err.code, message: err.message, ...(err.hint === undefined ? {} : { hint: err.hint }) };
  return { name: 'Error', code: 'ERR_SCHSM_TRANSPORT_WORKER', message: err instanceof Error ? err.message : String(err) };
}

class WorkerState {
  transport: Transport | undefined;
  /** Ends the exclusive section opened by `begin`. */
  endExclusive: (() => void) | undefined;
  held: Promise<unknown> | undefined;

  card(): Transport {
    if (this.transport === undefined) throw new SchsmError('no reader is open in the PC/SC worker', 'ERR_SCHSM_TRANSPORT_WORKER');
    return this.transport;
  }

  async handle(req: WorkerRequest): Promise<Ok> {
    switch (req.op) {
      case 'list':
        return {
          readers: (await listReaders()).map((r) => ({
            name: r.name,
            index: r.index,
            cardPresent: r.cardPresent,
            atr: bytesToHex(r.atr),
            state: r.state,
          })),
        };
      case 'open': {
        if (this.transport !== undefined)
          throw new SchsmError('a reader is already open in this PC/SC worker', 'ERR_SCHSM_TRANSPORT_WORKER');
        const t = await openPcscTransport({
          ...(req.reader === undefined ? {} : { reader: req.reader }),
          ...(req.exclusive === true ? { exclusive: true } : {}),
          ...(req.requireUniqueCard === true ? { requireUniqueCard: true } : {}),
        });
        this.transport = t;
        return {
          name: t.name,
          atr: bytesToHex(t.atr),
          ...(t.protocol === undefined ? {} : { protocol: t.protocol }),
          ...(t.guessedFrom === undefined ? {} : { guessedFrom: t.guessedFrom }),
        };
      }
      case 'transmit': {
        const apdu = hexToBytes(req.apdu);
        if (apdu === undefined) throw new SchsmError('the APDU sent to the PC/SC worker is not hex', 'ERR_SCHSM_TRANSPORT_WORKER');
        return { response: bytesToHex(await this.card().transmit(apdu)) };
      }
      case 'begin':
        return this.begin();
      case 'end':
        this.endExclusive?.();
        this.endExclusive = undefined;
        await this.held;
        return {};
      case 'reset':
        await this.card().reset();
        return { atr: bytesToHex(this.card().atr) };
      case 'close':
        this.endExclusive?.();
        await this.held?.catch(() => undefined);
        await this.transport?.close();
        this.transport = undefined;
        return {};
    }
  }

  /** Enter `exclusive` and stay inside until `end`: resolves once the card is held. */
  begin(): Promise<Ok> {
    const card = this.card();
    return new Promise<Ok>((resolve, reject) => {
      this.held = card
        .exclusive(
          () =>
            new Promise<void>((release) => {
              this.endExclusive = release;
              resolve({});
            }),
        )
        .catch((err: unknown) => reject(err));
    });
  }
}

function parseRequest(text: string): WorkerRequest | undefined {
  try {
    const v = JSON.parse(text) as Partial<WorkerRequest>;
    return typeof v === 'object' && v !== null && typeof v.id === 'number' && typeof v.op === 'string' ? (v as WorkerRequest) : undefined;
  } catch {
    return undefined;
  }
}

/** Serve requests from `input` on `output` until `close` or the end of input; then release the card. */
export function serveWorker(input: Readable, output: Writable): Promise<void> {
  const state = new WorkerState();
  let queue = Promise.resolve();
  const send = (r: WorkerResponse): void => void output.write(`${JSON.stringify(r)}\n`);
  return new Promise<void>((done) => {
    const finish = (): void => {
      queue = queue.then(async () => {
        state.endExclusive?.();
        await state.transport?.close().catch(() => undefined);
        done();
      });
    };
    const split = lineSplitter((text) => {
      const req = parseRequest(text);
      if (req === undefined) return finish();
      queue = queue.then(async () => {
        try {
          send({ id: req.id, ok: true, ...(await state.handle(req)) });
        } catch (err) {
          send({ id: req.id, ok: false, error: failureOf(err) });
        }
        if (req.op === 'close') done();
      });
    }, finish);
    input.on('data', split);
    input.once('end', finish);
  });
}
