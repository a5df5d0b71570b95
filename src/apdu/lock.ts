/**
 * The in-process order of one card session: every APDU exchange waits its turn, first come first
 * served, and an exclusive section (`SmartCardHsm.exclusive(fn)`) runs alone, with no exchange from
 * outside it in between.
 *
 * Who is inside a section is known from the async context (node:async_hooks AsyncLocalStorage): an
 * exchange or a nested `exclusive` started from `fn`, however deep in its awaits, goes ahead (no
 * deadlock); every other caller queues behind the section. Within a section, exchanges still go one
 * at a time in order (`Promise.all` inside `fn` is safe).
 *
 * This orders callers of one session object in one process. Other processes are kept out only by
 * the transport: PC/SC's exclusive access (SCardConnect EXCLUSIVE for the time of the section).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A first-in, first-out mutex: `run(fn)` calls run one at a time, in the order they were made. */
export class FifoLock {
  #tail: Promise<void> = Promise.resolve();

  /** Run `fn` once every earlier call has settled; resolves or rejects as `fn` does. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

interface Section {
  readonly lock: SessionLock;
  /** The section's own queue of exchanges. */
  readonly inner: FifoLock;
  /** False once the section has ended (callbacks it left behind then queue like everyone else). */
  active: boolean;
  /** The section this one was opened in (of another session), so both stay owned. */
  readonly parent: Section | undefined;
}

const sections = new AsyncLocalStorage<Section>();

/** The lock of one session: exchanges in order, exclusive sections alone. */
export class SessionLock {
  readonly #outer = new FifoLock();

  /** The active section of this lock that the caller runs in, if any. */
  #owned(): Section | undefined {
    for (let s = sections.getStore(); s !== undefined; s = s.parent) if (s.lock === this && s.active) return s;
    return undefined;
  }

  /** True when the caller runs inside an exclusive section of this lock. */
  get held(): boolean {
    return this.#owned() !== undefined;
  }

  /**
   * One exchange: after every earlier exchange and section; inside a section of this lock, after the
   * section's earlier exchanges only.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return (this.#owned()?.inner ?? this.#outer).run(fn);
  }

  /** Run `fn` alone. Called again from inside `fn` (or anything it awaits), it just runs the inner `fn`. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#owned() !== undefined) return fn();
    return this.#outer.run(async () => {
      const section: Section = { lock: this, inner: new FifoLock(), active: true, parent: sections.getStore() };
      try {
        return await sections.run(section, fn);
      } finally {
        section.active = false;
      }
    });
  }
}
