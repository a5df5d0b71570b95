/**
 * schsm's debug logs by namespace (`schsm:transport`, `schsm:channel`, `schsm:card`, `schsm:trace`,
 * `schsm:sim`), switched on by `DEBUG=schsm:*` or the CLI's -v/-vv, written to standard error:
 * `2026-01-01T00:00:00.000Z schsm:card message` (with `  schsm:card message +3ms` on a terminal).
 *
 * The `debug` package's conventions (DEBUG patterns with `*` and `-excluded`, `enable`, `disable`,
 * `log`, `.enabled`), written here because that package, CommonJS requiring node's `tty`, kept an
 * ES-module bundle of the library from running (issue 13 item 9). Costs nothing when disabled.
 */
import { formatWithOptions } from 'node:util';

export interface DebugLogger {
  (format: string, ...args: unknown[]): void;
  readonly namespace: string;
  /** The namespace is enabled now (check before building an expensive message). */
  readonly enabled: boolean;
}

export interface CreateDebug {
  (namespace: string): DebugLogger;
  /** Enable the namespaces of a DEBUG-style list ("schsm:*,-schsm:transport"), replacing the current one. */
  enable(namespaces: string): void;
  /** Disable every namespace; returns the list that was enabled (for `enable(previous)`). */
  disable(): string;
  enabled(namespace: string): boolean;
  /** Where the lines go (default: standard error); replaceable, e.g. to capture them in tests. */
  log: (...args: unknown[]) => void;
}

let current = '';
let include: RegExp[] = [];
let exclude: RegExp[] = [];
/** Bumped on enable/disable: loggers cache their state per generation. */
let generation = 0;

function patterns(list: string): { include: RegExp[]; exclude: RegExp[] } {
  const inc: RegExp[] = [];
  const exc: RegExp[] = [];
  for (const raw of list.split(/[\s,]+/)) {
    if (raw === '') continue;
    const negative = raw.startsWith('-');
    const body = (negative ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?');
    (negative ? exc : inc).push(new RegExp(`^${body}$`));
  }
  return { include: inc, exclude: exc };
}

function isEnabled(namespace: string): boolean {
  if (exclude.some((r) => r.test(namespace))) return false;
  return include.some((r) => r.test(namespace));
}

const write = (...args: unknown[]): void => {
  process.stderr.write(`${formatWithOptions({ colors: false }, ...args)}\n`);
};

export const createDebug: CreateDebug = Object.assign(
  (namespace: string): DebugLogger => {
    let seen = -1;
    let on = false;
    let previous: number | undefined;
    const state = (): boolean => {
      if (seen !== generation) {
        seen = generation;
        on = isEnabled(namespace);
      }
      return on;
    };
    const logger = (format: string, ...args: unknown[]): void => {
      if (!state()) return;
      const now = Date.now();
      const text = formatWithOptions({ colors: false, breakLength: Number.POSITIVE_INFINITY }, format, ...args);
      const line =
        process.stderr.isTTY === true
          ? `  ${namespace} ${text} +${now - (previous ?? now)}ms`
          : `${new Date(now).toISOString()} ${namespace} ${text}`;
      previous = now;
      createDebug.log(line);
    };
    Object.defineProperty(logger, 'namespace', { value: namespace });
    Object.defineProperty(logger, 'enabled', { get: state });
    return logger as DebugLogger;
  },
  {
    enable(namespaces: string): void {
      current = namespaces;
      ({ include, exclude } = patterns(namespaces));
      generation++;
    },
    disable(): string {
      const was = current;
      createDebug.enable('');
      return was;
    },
    enabled: (namespace: string): boolean => isEnabled(namespace),
    log: write,
  },
);

createDebug.enable(process.env.DEBUG ?? '');
