import type { Transport } from '../transport/transport.ts';
import { exitOnClosedPipe, pipeWriter } from './closed-pipe.ts';
import type { CardSource, CliContext } from './context.ts';
import { colorWanted } from './style.ts';

/** --sim, --sim-state FILE, --reader sim or --reader sim:FILE: the built-in simulator instead of PC/SC. */
export function wantsSimulator(source: CardSource): boolean {
  const r = source.reader?.toLowerCase();
  return source.sim === true || source.simState !== undefined || r === 'sim' || r?.startsWith('sim:') === true;
}

/** The simulator state file: --sim-state, or the FILE of `--reader sim:FILE` (so `clone --from sim:a.json` works). */
export function simStateOf(source: CardSource): string | undefined {
  if (source.simState !== undefined) return source.simState;
  const r = source.reader;
  return r?.toLowerCase().startsWith('sim:') && r.length > 4 ? r.slice(4) : undefined;
}

/**
 * The card a command asked for. PC/SC, the simulator and the traffic log are imported only here and
 * only when used, so `schsm --help` and offline commands start fast and work without libpcsclite.
 */
export async function openDefaultTransport(source: CardSource): Promise<Transport> {
  let transport: Transport;
  if (wantsSimulator(source)) {
    const { createSimulatorTransport } = await import('../sim/index.ts');
    const stateFile = simStateOf(source);
    transport = await createSimulatorTransport(stateFile === undefined ? {} : { stateFile });
  } else if (source.pcscSocket !== undefined) {
    const { openPcscSocketTransport } = await import('../transport/pcsc-socket.ts');
    transport = await openPcscSocketTransport({
      socket: source.pcscSocket,
      ...(source.reader === undefined ? {} : { reader: source.reader }),
      ...(source.exclusive === true ? { exclusive: true } : {}),
    });
  } else {
    const { openPcscTransport } = await import('../transport/pcsc.ts');
    transport = await openPcscTransport({
      ...(source.reader === undefined ? {} : { reader: source.reader }),
      ...(source.exclusive === true ? { exclusive: true } : {}),
      ...(source.requireUniqueCard === true ? { requireUniqueCard: true } : {}),
      ...(source.onChoice === undefined ? {} : { onChoice: source.onChoice }),
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
  const isTTY = process.stdout.isTTY === true;
  exitOnClosedPipe([process.stdout, process.stderr]);
  return {
    stdout: pipeWriter(process.stdout),
    stdoutBytes: pipeWriter(process.stdout),
    stderr: pipeWriter(process.stderr),
    // a getter: process.stdin builds a stream (and loads net/tty) on first access, which most commands never make
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    isTTY,
    color: colorAllowed(isTTY, process.env),
    processStdio: true,
    openTransport: openDefaultTransport,
  };
}
