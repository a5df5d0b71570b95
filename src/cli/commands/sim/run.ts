import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { openSimulatorState, persistentCard } from '../../../sim/persist.ts';
import { SmartCardHsmSimulator } from '../../../sim/sc-hsm.ts';
import { cardTransport } from '../../../sim/card-transport.ts';
import { serveVpcd, type VpcdEvent } from '../../../sim/vpcd.ts';
import type { VirtualCard } from '../../../sim/virtual-card.ts';
import { withTrafficLog } from '../../../transport/log.ts';
import type { Transport } from '../../../transport/transport.ts';
import { pcscdReaders, readerShowingCard, simReaderName } from './reader.ts';

export interface SimArgs {
  readonly port: number;
  readonly state?: string;
  /** Write the card's side of every exchange to this trace file (redacted unless `redact` is false). */
  readonly record?: string;
  /** Overwrite an existing `record` file. */
  readonly force?: boolean;
  /** false only with --no-redact. */
  readonly redact?: boolean;
  /** reader.conf files/directories to read (tests); default /etc/reader.conf.d and /etc/reader.conf. */
  readonly readerConf?: readonly string[];
}

/** Resolves with the signal name at SIGINT/SIGTERM, or when `signal` aborts (tests). */
function waitForStop(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const stop = (name: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted === true) stop('abort');
    signal?.addEventListener('abort', () => stop('abort'), { once: true });
  });
}

/**
 * The card as vpcd serves it, through the same channel decorators as every host-side transport: the
 * traffic log (`-vv`, redacted) and the trace recorder (`--record`, redacted, never overwrites without
 * --force, mode 0600). The log and the trace show the card's side: the commands it received, its answers.
 */
async function channelCard(card: VirtualCard, name: string, args: SimArgs): Promise<{ card: VirtualCard; channel: Transport }> {
  let channel = withTrafficLog(cardTransport(card, name), { redact: args.redact !== false });
  if (args.record !== undefined) {
    const { recordTransport } = await import('../../../trace/record.ts');
    channel = await recordTransport(channel, {
      file: args.record,
      ...(args.force === true ? { force: true } : {}),
      ...(args.redact === false ? { redact: false } : {}),
      header: { side: 'card (schsm sim: the commands the card received and its answers)' },
    });
  }
  const served: VirtualCard = {
    get atr() {
      return card.atr;
    },
    // the decorators run the card's reset synchronously before their first await (decorate.ts)
    reset: () => void channel.reset().catch(() => undefined),
    process: (command) => channel.transmit(command),
  };
  return { card: served, channel };
}

/** After vpcd first polls the card, ask pcscd which reader shows it (up to 10 s), and say so. */
function confirmReader(ctx: CliContext, atr: () => Uint8Array, announced: string | undefined, stop: AbortSignal): void {
  void (async () => {
    const deadline = Date.now() + 10_000;
    while (!stop.aborted && Date.now() < deadline) {
      const readers = await pcscdReaders(2000);
      if (readers === undefined) break;
      const shown = readerShowingCard(readers, atr(), announced);
      if (shown !== undefined) {
        if (stop.aborted) return;
        if (shown !== announced) line(ctx.stderr, `note: pcscd shows the card in "${shown}", not "${announced ?? '?'}"`);
        line(ctx.stdout, `card inserted into "${shown}"`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!stop.aborted)
      line(ctx.stdout, `card inserted${announced === undefined ? '' : ` into "${announced}"`} (pcscd does not confirm it yet)`);
  })();
}

/**
 * Serve the simulator through vpcd until SIGINT/SIGTERM (or `stop` aborts). With `state`, the card is
 * loaded from / created in that file and every change is saved before the card answers.
 */
export async function runSim(args: SimArgs, ctx: CliContext, stop?: AbortSignal): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)
    throw new UsageError(
      `--port ${args.port} is not a TCP port`,
      'vpcd listens on the port of its reader.conf entry (/etc/reader.conf.d/*: DEVICENAME /dev/null:PORT or CHANNELID), slot n on PORT + n; Debian: 35963 and 35964',
    );
  const listed = await pcscdReaders();
  const reader = simReaderName(
    args.port,
    listed?.map((r) => r.name),
    args.readerConf,
  );
  const sim =
    args.state === undefined
      ? new SmartCardHsmSimulator()
      : await openSimulatorState(args.state, { onNotice: (m) => line(ctx.stderr, `warning: ${m}`) });
  let card: VirtualCard & { flush?: () => Promise<void> } = sim;
  if (args.state !== undefined)
    card = persistentCard(sim, args.state, (e) => line(ctx.stderr, `error: saving ${args.state}: ${e.message} (the card answered 6581)`));
  const { card: served, channel } = await channelCard(card, reader.name ?? `vpcd port ${args.port}`, args);
  const done = new AbortController();
  let confirmed = false;
  const onEvent = (event: VpcdEvent): void => {
    // APDUs are not printed here: -vv logs them redacted at the channel (transport/log.ts).
    if (event.kind === 'atr' && !confirmed) {
      confirmed = true;
      confirmReader(ctx, () => sim.atr, reader.name, done.signal);
    } else if (event.kind === 'disconnected' && event.reason !== 'closed') {
      confirmed = false;
      line(ctx.stderr, `link to pcscd lost; reconnecting…`);
    } else if (event.kind === 'silent')
      line(
        ctx.stderr,
        `warning: pcscd does not poll port ${args.port}${reader.name === undefined ? '' : ` ("${reader.name}")`}: is pcscd running with vpcd, or does another virtual card hold this slot?`,
      );
    else if (event.kind === 'error') line(ctx.stderr, `warning: ${event.error.message}`);
  };
  const handle = serveVpcd(served, { port: args.port, onEvent });
  line(ctx.stdout, `SmartCard-HSM simulator, serial ${sim.state.serial}${sim.state.initialized ? '' : ' (not initialised)'}`);
  line(
    ctx.stdout,
    `serving ${reader.name === undefined ? 'an unnamed reader' : `reader "${reader.name}"`} (vpcd 127.0.0.1:${args.port}; ${reader.source})${args.state === undefined ? '; state is not kept' : `; state in ${args.state}`}`,
  );
  if (args.record !== undefined) line(ctx.stdout, `recording the card's side into ${args.record}`);
  line(ctx.stdout, 'press Ctrl-C to stop');
  const why = await waitForStop(stop);
  done.abort();
  await handle.close();
  await channel.close();
  await card.flush?.();
  line(ctx.stdout, `stopped (${why})${args.state === undefined ? '' : `; state saved in ${args.state}`}`);
  return EXIT.OK;
}
