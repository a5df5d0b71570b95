/**
 * One front door for every card source: `openTransport('Virtual PCD 00 00' | 0 | 'sim' | 'sim:FILE' |
 * 'replay:FILE')`. The CLI's `--reader` takes the same strings (it calls this). PC/SC, the simulator
 * and the trace replayer are imported only when asked for, so a program that replays traces needs no
 * libpcsclite and does not load the simulator.
 */
import type { OpenPcscOptions } from '../transport/pcsc.ts';
import { UsageError } from '../transport/errors.ts';
import type { DisposableTransport } from '../transport/transport.ts';
import type { ReplayOptions } from '../trace/replay.ts';

/** A card source, parsed. */
export type TransportSpec =
  /** A PC/SC reader: exact name, unique case-insensitive part of it, or index; none: the first reader with a card. */
  | { readonly kind: 'pcsc'; readonly reader?: string }
  /** The built-in simulator: a fresh card in memory, or the card kept in `stateFile` (created when missing). */
  | { readonly kind: 'sim'; readonly stateFile?: string }
  /** A recorded trace served back (strict by default: a command that differs from the recording fails). */
  | { readonly kind: 'replay'; readonly file: string };

/** What `openTransport` takes: a reader name/part, a reader index, `sim`, `sim:FILE`, `replay:FILE`, or a parsed spec. */
export type TransportSource = string | number | TransportSpec;

/**
 * Parse a card source as `--reader` takes it: a number or all-digit string is a reader index, `sim`
 * (any case) the in-memory simulator, `sim:FILE` the simulator kept in FILE, `replay:FILE` a trace
 * replay; anything else names a PC/SC reader (exact name or a unique part of it). `undefined` means
 * "the first reader holding a card". Throws UsageError for `sim:`/`replay:` without a file or a
 * negative or fractional index.
 */
export function parseTransportSource(source: string | number | undefined): TransportSpec {
  if (source === undefined) return { kind: 'pcsc' };
  if (typeof source === 'number') {
    if (!Number.isSafeInteger(source) || source < 0)
      throw new UsageError(`reader index ${source} is not a whole number ≥ 0`, 'readers are numbered from 0 (`schsm readers` lists them)');
    return { kind: 'pcsc', reader: String(source) };
  }
  const lower = source.toLowerCase();
  if (lower === 'sim') return { kind: 'sim' };
  for (const prefix of ['sim:', 'replay:'] as const) {
    if (!lower.startsWith(prefix)) continue;
    const file = source.slice(prefix.length);
    if (file === '') throw new UsageError(`"${source}" names no file`, `write ${prefix}FILE, e.g. ${prefix}card.json`);
    return prefix === 'sim:' ? { kind: 'sim', stateFile: file } : { kind: 'replay', file };
  }
  return { kind: 'pcsc', reader: source };
}

/** Options of `openTransport`; each applies to the sources it names. */
export interface OpenTransportOptions extends Omit<OpenPcscOptions, 'reader'> {
  /** Simulator with a state file: told about leftovers of interrupted saves (default: standard error). */
  readonly onNotice?: (message: string) => void;
  /** Replay: strict matching (default true) and how masked bytes are filled. */
  readonly replay?: Omit<ReplayOptions, 'name'>;
}

/**
 * Open the card named by `source` (see parseTransportSource; default: the first PC/SC reader with a
 * card). Every transport it returns is AsyncDisposable: `await using t = await openTransport('sim')`.
 * PC/SC transports and simulator transports opened through a `SimulatedReader` can `reconnect()` after
 * a card removal.
 */
export async function openTransport(source?: TransportSource, options: OpenTransportOptions = {}): Promise<DisposableTransport> {
  const spec = typeof source === 'object' ? source : parseTransportSource(source);
  switch (spec.kind) {
    case 'sim': {
      const { createSimulatorTransport } = await import('../sim/index.ts');
      return createSimulatorTransport({
        ...(spec.stateFile === undefined ? {} : { stateFile: spec.stateFile }),
        ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
      });
    }
    case 'replay': {
      const [{ createReplayTransport }, { loadTraceFile }] = await Promise.all([import('../trace/replay.ts'), import('../trace/load.ts')]);
      return createReplayTransport(loadTraceFile(spec.file), { ...options.replay, name: `replay:${spec.file}` });
    }
    case 'pcsc': {
      const { onNotice: _n, replay: _r, ...pcsc } = options;
      const { openPcscTransport } = await import('../transport/pcsc.ts');
      return openPcscTransport({ ...pcsc, ...(spec.reader === undefined ? {} : { reader: spec.reader }) });
    }
  }
}
