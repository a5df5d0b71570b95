import { closeSync, constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** Longest spy line kept: a 64 KiB buffer as "HH " per byte plus the thread prefix. */
export const MAX_SPY_LINE = 3 * 65_546 + 64;

export interface FifoLines {
  /** Lines longer than MAX_SPY_LINE that were dropped. */
  readonly overlong: number;
  /**
   * The application has ended: stop holding the FIFO open, take what is still in it, and resolve at
   * its end (every writer gone) or after `graceMs` (a descendant still holds it open).
   */
  drain(graceMs: number): Promise<void>;
  /** Stop at once (the application could not be started). */
  close(): void;
}

/**
 * Read a FIFO line by line, without blocking a thread: it is opened non-blocking for reading and
 * watched by the event loop, and schsm holds a writing end of its own so that the readers never see an
 * end of file before the application has even opened it (and the spy library's blocking open for
 * writing succeeds at once). Memory is bounded: one partial line of at most MAX_SPY_LINE characters.
 */
export function readFifoLines(fifo: string, onLine: (line: string) => void): FifoLines {
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  let keeper: number | undefined = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const socket = new Socket({ fd: readFd, readable: true, writable: false });
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let skipping = false;
  let overlong = 0;
  const ended = new Promise<void>((resolve) => {
    socket.on('end', resolve);
    socket.on('close', resolve);
    socket.on('error', () => resolve());
  });
  const take = (text: string): void => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (skipping) skipping = false;
      else if (partial.length + piece.length > MAX_SPY_LINE) overlong++;
      else onLine(partial + piece);
      partial = '';
    }
    const rest = text.slice(start);
    if (skipping) return;
    if (partial.length + rest.length > MAX_SPY_LINE) {
      overlong++;
      partial = '';
      skipping = true;
    } else partial += rest;
  };
  socket.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
  return {
    get overlong() {
      return overlong;
    },
    close() {
      if (keeper !== undefined) closeSync(keeper);
      keeper = undefined;
      socket.destroy();
    },
    async drain(graceMs) {
      if (keeper !== undefined) closeSync(keeper);
      keeper = undefined;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      socket.destroy();
      const last = partial + decoder.end();
      if (last !== '' && !skipping) onLine(last);
      partial = '';
    },
  };
}
