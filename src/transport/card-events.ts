/**
 * Reader and card events, the same for every source that has them: the PC/SC monitor
 * (`watchCards`, built on SCardGetStatusChange through the binding's `reader`/`status`/`end` events)
 * and the simulator's `SimulatedReader` (so an application tests its removal path without hardware).
 */

/** One change in the set of readers or in a reader's card. */
export type CardEvent =
  | { readonly type: 'reader-added'; readonly reader: string }
  | { readonly type: 'reader-removed'; readonly reader: string }
  | { readonly type: 'card-inserted'; readonly reader: string; readonly atr: Uint8Array }
  | { readonly type: 'card-removed'; readonly reader: string };

/** The `type` of a CardEvent. */
export type CardEventType = CardEvent['type'];

/**
 * A stream of CardEvents: iterate it with `for await` (ends when closed), or listen with `on`. Events
 * that arrive while the iteration is busy are queued (up to QUEUE_LIMIT, oldest dropped first), so
 * none is lost between two awaits. `close()` (or
 * `await using`) releases what the source holds (for PC/SC: the context and its status threads).
 */
export interface CardMonitor extends AsyncIterable<CardEvent>, AsyncDisposable {
  /** Call `listener` for every event from now on; returns the function that stops it. */
  on(listener: (event: CardEvent) => void): () => void;
  /**
   * The next event that satisfies `match` (default: any), taken from the same queue as the iteration
   * (events before it are consumed), or undefined when the monitor closes first. Bounded: rejects with
   * TransportTimeoutError after `timeoutMs` when given.
   */
  next(match?: (event: CardEvent) => boolean, timeoutMs?: number): Promise<CardEvent | undefined>;
  /** Stop watching; iterations end, further events are dropped. Idempotent. */
  close(): Promise<void>;
}

/** Events kept for an iteration that is not reading (a monitor used only through `on`/`next` stays bounded). */
export const QUEUE_LIMIT = 1000;

/** The producer side of a CardMonitor: `emit` events into it, `end` it. */
export interface CardEventSource {
  readonly monitor: CardMonitor;
  /** Hand `event` to the listeners and queue it for the iteration. */
  emit(event: CardEvent): void;
  /** End the stream (iterations finish), optionally with an error for the pending iterations. */
  end(error?: Error): void;
}

/**
 * A CardMonitor fed by `emit`. `onClose` runs once, when the consumer closes the monitor.
 * `timeoutError` builds the error of a `next` that ran out of time (transport/errors.ts is not imported
 * here so that sim/ can use this without pulling PC/SC names).
 */
export function createCardEventSource(onClose: () => void | Promise<void>, timeoutError: (ms: number) => Error): CardEventSource {
  const queue: CardEvent[] = [];
  const listeners = new Set<(event: CardEvent) => void>();
  const waiters = new Set<() => void>();
  let ended = false;
  let failure: Error | undefined;
  let closing: Promise<void> | undefined;
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const emit = (event: CardEvent): void => {
    if (ended) return;
    for (const l of [...listeners]) l(event);
    queue.push(event);
    if (queue.length > QUEUE_LIMIT) queue.shift();
    wake();
  };
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    failure = error;
    wake();
  };
  /** The next queued event (waiting for one), undefined at the end. */
  const take = async (): Promise<CardEvent | undefined> => {
    for (;;) {
      const e = queue.shift();
      if (e !== undefined) return e;
      if (ended) {
        if (failure !== undefined) throw failure;
        return undefined;
      }
      await new Promise<void>((resolve) => {
        const w = (): void => {
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
      });
    }
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      end();
      listeners.clear();
      await onClose();
    })();
    return closing;
  };
  const monitor: CardMonitor = {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async next(match = () => true, timeoutMs) {
      let cancelled = false;
      const find = async (): Promise<CardEvent | undefined> => {
        for (;;) {
          const e = await take();
          if (cancelled) {
            if (e !== undefined) queue.unshift(e); // a timed-out `next` leaves the event to the next reader
            return undefined;
          }
          if (e === undefined || match(e)) return e;
        }
      };
      if (timeoutMs === undefined) return find();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          cancelled = true;
          reject(timeoutError(timeoutMs));
        }, timeoutMs);
      });
      try {
        return await Promise.race([find(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const e = await take();
        if (e === undefined) return;
        yield e;
      }
    },
  };
  return { monitor, emit, end };
}
