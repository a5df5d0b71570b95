/**
 * A reader that stops early (`schsm trace show big.trace | head`) closes the pipe; the next write gets
 * EPIPE. Other command-line tools die of SIGPIPE there, silently; Node ignores SIGPIPE and raises the
 * error instead, which used to crash with a stack trace. Here a closed stdout or stderr ends the process
 * at once, quietly, with exit 0 — for every command, because the guard sits on the process streams.
 */
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

type Exit = (code: number) => never;

function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null | undefined)?.code === 'EPIPE';
}

/** Listen for EPIPE on `streams` (asynchronous errors): exit 0 without a word. Other errors are rethrown. */
export function exitOnClosedPipe(streams: readonly Writable[], exit: Exit = process.exit): void {
  for (const s of streams) {
    s.on('error', (err: unknown) => {
      if (isClosedPipe(err)) exit(0);
      throw err;
    });
  }
}

/**
 * A writer for `stream` that notices a closed pipe right after the write that hit it (Node records the
 * error synchronously, but emits it only once the event loop turns), so a long synchronous loop of
 * writes stops at the first one that fails instead of formatting the rest of a 1 GB trace for nobody.
 */
export function pipeWriter(stream: Writable, exit: Exit = process.exit): (text: string | Uint8Array) => void {
  return (text) => {
    stream.write(text);
    if (isClosedPipe(stream.errored)) exit(0);
  };
}

const madeStreams = new Set<NodeJS.WriteStream>();

/** process.stdout and process.stderr if made (through `exitOnClosedPipeWhenMade`): what may hold unwritten output. */
export function madeStdio(): NodeJS.WriteStream[] {
  return [...madeStreams];
}

/**
 * The EPIPE guard of `exitOnClosedPipe` for process.stdout or process.stderr, set up when the stream is
 * first made (Node makes it on first access, and making it loads Node's stream modules: issue 11
 * item 3), not before: so whatever code makes it later gets the guard as if it had been set up at once.
 */
export function exitOnClosedPipeWhenMade(name: 'stdout' | 'stderr', exit: Exit = process.exit): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  if (made?.get === undefined || made.configurable !== true) {
    madeStreams.add(process[name]);
    return exitOnClosedPipe([process[name]], exit);
  }
  const get = made.get;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable ?? true,
    get() {
      const stream = get.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, name, { configurable: true, enumerable: made.enumerable ?? true, get: () => stream });
      exitOnClosedPipe([stream], exit);
      madeStreams.add(stream);
      return stream;
    },
  });
}

/**
 * A writer straight to file descriptor `fd` (1 or 2) when it is a pipe, a socket (what Node gives a
 * child's stdio) or a regular file, else undefined (a terminal or anything else: use the stream). Writing with writeSync spares every command
 * that prints the making of process.stdout, which loads ~20 of Node's stream modules (~10 ms; issue 11
 * item 3); the stream, too, writes these at once when it can, so what is written, and in which
 * order, stays the same.
 * A closed pipe (EPIPE) exits 0 quietly as `pipeWriter` does; a pipe that is full and non-blocking
 * (EAGAIN) hands this and every later write to the stream, which waits for the reader.
 */
export function fdWriter(fd: 1 | 2, stream: () => Writable, exit: Exit = process.exit): ((text: string | Uint8Array) => void) | undefined {
  try {
    const st = fstatSync(fd);
    if (!st.isFIFO() && !st.isSocket() && !st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  let fallback: ((text: string | Uint8Array) => void) | undefined;
  return (text) => {
    if (fallback !== undefined) return fallback(text);
    let bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(fd, bytes));
      } catch (error) {
        if (isClosedPipe(error)) exit(0);
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        fallback = pipeWriter(stream(), exit);
        return fallback(bytes);
      }
    }
  };
}
