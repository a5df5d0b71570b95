import { openTransport, parseTransportSource, type TransportSpec } from '../open/index.ts';
import type { Transport } from '../transport/transport.ts';
import { exitOnClosedPipeWhenMade, fdWriter, pipeWriter } from './closed-pipe.ts';
import type { CardSource, CliContext } from './context.ts';
import { colorWanted } from './style.ts';

/**
 * What the global options name, in the library's terms (open/index.ts `parseTransportSource`, which
 * reads `--reader` as `openTransport` reads its argument): --sim and --sim-state FILE choose the
 * simulator whatever --reader says; --reader takes a reader, an index, `sim`, `sim:FILE` or `replay:FILE`.
 */
export function transportSpecOf(source: CardSource): TransportSpec {
  if (source.simState !== undefined) return { kind: 'sim', stateFile: source.simState };
  const spec = parseTransportSource(source.reader);
  if (source.sim === true && spec.kind !== 'sim') return { kind: 'sim' };
  return spec;
}

/** --sim, --sim-state FILE, --reader sim or --reader sim:FILE: the built-in simulator instead of PC/SC. */
export function wantsSimulator(source: CardSource): boolean {
  return transportSpecOf(source).kind === 'sim';
}

/** The simulator state file: --sim-state, or the FILE of `--reader sim:FILE` (so `clone --from sim:a.json` works). */
export function simStateOf(source: CardSource): string | undefined {
  const spec = transportSpecOf(source);
  return spec.kind === 'sim' ? spec.stateFile : undefined;
}

/**
 * The card a command asked for (`openTransport`, which imports PC/SC, the simulator or the replayer
 * only when used; the traffic log too is imported only here), so `schsm --help` and offline commands start fast and work without libpcsclite.
 */
export async function openDefaultTransport(source: CardSource): Promise<Transport> {
  let transport: Transport;
  if (source.pcscSocket !== undefined && !wantsSimulator(source)) {
    const { openPcscSocketTransport } = await import('../transport/pcsc-socket.ts');
    transport = await openPcscSocketTransport({
      socket: source.pcscSocket,
      ...(source.reader === undefined ? {} : { reader: source.reader }),
      ...(source.exclusive === true ? { exclusive: true } : {}),
      ...(source.requireUniqueCard === true ? { requireUniqueCard: true } : {}),
    });
    const several = transport.guessedFrom;
    if (several !== undefined) source.onChoice?.({ reader: transport.name, readersWithCard: several });
  } else {
    transport = await openTransport(transportSpecOf(source), {
      ...(source.exclusive === true ? { exclusive: true } : {}),
      ...(source.requireUniqueCard === true ? { requireUniqueCard: true } : {}),
      ...(source.onChoice === undefined ? {} : { onChoice: source.onChoice }),
      ...(source.waitForCardMs === undefined ? {} : { waitForCardMs: source.waitForCardMs }),
    });
  }
  const { withTrafficLog } = await import('../transport/log.ts');
  const logged = withTrafficLog(transport, { redact: source.noRedact !== true });
  if (source.record === undefined) return logged;
  const { recordTransport } = await import('../trace/record.ts');
  try {
    return await recordTransport(logged, {
      file: source.record,
      ...(source.force === true ? { force: true } : {}),
      ...(source.noRedact === true ? { redact: false } : {}),
    });
  } catch (error) {
    await logged.close();
    throw error;
  }
}

/** Colour when stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function colorAllowed(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return colorWanted(isTTY, env);
}

/** The real process: stdout/stderr, environment, terminal detection, PC/SC or simulator. */
export function defaultContext(): CliContext {
  exitOnClosedPipeWhenMade('stdout');
  exitOnClosedPipeWhenMade('stderr');
  // a pipe, socket or file: written without making process.stdout (closed-pipe.ts fdWriter), and no terminal
  const stdoutFd = fdWriter(1, () => process.stdout);
  const stderrFd = fdWriter(2, () => process.stderr);
  const isTTY = stdoutFd === undefined && process.stdout.isTTY === true;
  const stdout = stdoutFd ?? ((t: string | Uint8Array) => pipeWriter(process.stdout)(t));
  return {
    stdout,
    stdoutBytes: stdout,
    stderr: stderrFd ?? ((t: string) => pipeWriter(process.stderr)(t)),
    // a getter: process.stdin builds a stream (and loads net/tty) on first access, which most commands never make
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    isTTY,
    color: colorAllowed(isTTY, process.env),
    columns: isTTY ? process.stdout.columns : undefined,
    processStdio: true,
    openTransport: openDefaultTransport,
    watchCards: async (reader) => (await import('../transport/pcsc-events.ts')).watchCards({ reader }),
  };
}
