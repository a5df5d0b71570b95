import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { openSimulatorState, persistentCard } from '../../../sim/persist.ts';
import { SmartCardHsmSimulator } from '../../../sim/sc-hsm.ts';
import { serveVpcd, type VpcdEvent } from '../../../sim/vpcd.ts';
import type { VirtualCard } from '../../../sim/virtual-card.ts';

export interface SimArgs {
  readonly port: number;
  readonly state?: string;
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

function reportEvent(ctx: CliContext, event: VpcdEvent, reader: string): void {
  // APDUs are not printed: they carry PINs and key shares.
  if (event.kind === 'connected') line(ctx.stdout, `card inserted into "${reader}"`);
  else if (event.kind === 'disconnected' && event.reason !== 'closed') line(ctx.stderr, `link to pcscd lost; reconnecting…`);
  else if (event.kind === 'silent')
    line(ctx.stderr, `warning: pcscd does not poll "${reader}": is pcscd running with vpcd, or does another virtual card hold this slot?`);
  else if (event.kind === 'error') line(ctx.stderr, `warning: ${event.error.message}`);
}

/**
 * Serve the simulator through vpcd until SIGINT/SIGTERM (or `stop` aborts). With `state`, the card is
 * loaded from / created in that file and every change is saved before the card answers.
 */
export async function runSim(args: SimArgs, ctx: CliContext, stop?: AbortSignal): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)
    throw new UsageError(
      `--port ${args.port} is not a TCP port`,
      'vpcd listens on 35963 (reader "Virtual PCD 00 00") and 35964 ("Virtual PCD 00 01")',
    );
  const sim =
    args.state === undefined
      ? new SmartCardHsmSimulator()
      : await openSimulatorState(args.state, { onNotice: (m) => line(ctx.stderr, `warning: ${m}`) });
  let card: VirtualCard & { flush?: () => Promise<void> } = sim;
  if (args.state !== undefined)
    card = persistentCard(sim, args.state, (e) => line(ctx.stderr, `error: saving ${args.state}: ${e.message} (the card answered 6581)`));
  let reader = '';
  const handle = serveVpcd(card, { port: args.port, onEvent: (e) => reportEvent(ctx, e, reader) });
  reader = handle.readerName;
  line(ctx.stdout, `SmartCard-HSM simulator, serial ${sim.state.serial}${sim.state.initialized ? '' : ' (not initialised)'}`);
  line(
    ctx.stdout,
    `serving reader "${reader}" (vpcd 127.0.0.1:${args.port})${args.state === undefined ? '; state is not kept' : `; state in ${args.state}`}`,
  );
  line(ctx.stdout, 'press Ctrl-C to stop');
  const why = await waitForStop(stop);
  await handle.close();
  await card.flush?.();
  line(ctx.stdout, `stopped (${why})${args.state === undefined ? '' : `; state saved in ${args.state}`}`);
  return EXIT.OK;
}
