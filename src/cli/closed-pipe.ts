/**
 * A reader that stops early (`schsm trace show big.trace | head`) closes the pipe; the next write gets
 * EPIPE. Other command-line tools die of SIGPIPE there, silently; Node ignores SIGPIPE and raises the
 * error instead, which used to crash with a stack trace. Here a closed stdout or stderr ends the process
 * at once, quietly, with exit 0 — for every command, because the guard sits on the process streams.
 */
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
