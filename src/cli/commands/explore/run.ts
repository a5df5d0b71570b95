/**
 * `schsm explore`: choose the card, then hand over to src/explorer. Card choice: `--sim` (or
 * `--sim-state`, `--reader sim`) → the simulator; `--reader R` → that reader; neither → PC/SC, and if
 * there is no pcscd, no reader or no card, the built-in simulator, saying so on stderr. The simulator's
 * card lives in `$XDG_STATE_HOME/schsm/sim.json` (0600) unless `--sim-state FILE` or `--ephemeral`; a
 * newly created default card is initialised with the documentation's example PINs so the shell is
 * usable at once. `--record` is handed to the explorer, whose recording survives `reconnect`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createDebug } from '../../../transport/debug-log.ts';
import { initializeDevice } from '../../../card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { runExplorer } from '../../../explorer/explorer.ts';
import { defaultHistoryFile, stateDir } from '../../../explorer/history.ts';
import type { Transport } from '../../../transport/transport.ts';
import { cardSource, type GlobalArgs } from '../../command.ts';
import { line, type CardSource, type CliContext } from '../../context.ts';
import { simStateOf, transportSpecOf, wantsSimulator } from '../../default-context.ts';
import { EXIT, exitCodeFor } from '../../exit-codes.ts';
import { noteChoice } from '../../device.ts';

export interface ExploreArgs extends Partial<GlobalArgs> {
  readonly simState?: string | undefined;
  readonly script?: string | undefined;
  readonly keepGoing?: boolean;
  readonly ephemeral?: boolean;
  readonly history?: boolean;
}

/** The example PINs of the sc-hsm-tool documentation (§7): a new default simulator card gets them. */
const DEMO = { userPin: '648219', soPin: '3537363231383830' } as const;

/** PC/SC could not give us a card (no service, no reader, no card: what exits 3): the simulator steps in. */
const noCard = (err: unknown): boolean => exitCodeFor(err) === EXIT.NO_CARD;

async function initDemoCard(ctx: CliContext, source: CardSource): Promise<void> {
  const t = await ctx.openTransport(source);
  try {
    await initializeDevice(await SmartCardHsm.open(t), {
      confirm: true,
      soPin: DEMO.soPin,
      userPin: DEMO.userPin,
      retryCounter: 3,
      dkekShares: 0,
    });
  } finally {
    await t.close();
  }
  // The PINs are public example values, but schsm never prints a PIN: README names them.
  line(
    ctx.stderr,
    'a new simulated card was initialised with the sc-hsm-tool documentation\'s example PINs (see README, "The simulated card"; change them with `change user` / `change so`)',
  );
}

/** The simulator source: --sim-state, else the default state file (created and initialised on first use), else memory. */
async function simulatorSource(args: ExploreArgs, ctx: CliContext, base: CardSource): Promise<CardSource> {
  if (args.ephemeral === true) return { ...base, sim: true };
  const chosen = simStateOf({ ...base, ...(args.simState === undefined ? {} : { simState: args.simState }) });
  if (chosen !== undefined) return { ...base, sim: true, simState: chosen };
  const dir = stateDir(ctx.env);
  const file = path.join(dir, 'sim.json');
  const source = { ...base, sim: true, simState: file };
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await initDemoCard(ctx, source);
  }
  return source;
}

interface CardChoice {
  readonly open: () => Promise<Transport>;
  /** A PC/SC reader: the shell watches it for card removal and insertion. */
  readonly pcsc?: true;
}

/** Decide once which card the whole session uses; `open` is called again on `reconnect`. */
async function chooseCard(args: ExploreArgs, ctx: CliContext): Promise<CardChoice> {
  const { record: _record, force: _force, noRedact: _noRedact, ...base } = cardSource(args);
  if (wantsSimulator(base) || args.ephemeral === true) {
    const source = await simulatorSource(args, ctx, base);
    return { open: () => ctx.openTransport(source) };
  }
  if (base.reader !== undefined)
    return { open: () => ctx.openTransport(base), ...(transportSpecOf(base).kind === 'pcsc' ? { pcsc: true as const } : {}) };
  let first: Transport | undefined;
  try {
    first = await ctx.openTransport({ ...base, onChoice: noteChoice(ctx) }); // `npm start` may take the first card, saying which
  } catch (err) {
    if (!noCard(err)) throw err;
    const where = `state in ${path.join(stateDir(ctx.env), 'sim.json')}`;
    line(
      ctx.stderr,
      `no card found (${(err as Error).message}); using the built-in SmartCard-HSM simulator (${where}) — pass --reader to choose a reader`,
    );
    const source = await simulatorSource(args, ctx, base);
    return { open: () => ctx.openTransport(source) };
  }
  return {
    open: async () => {
      const t = first ?? (await ctx.openTransport(base));
      first = undefined;
      return t;
    },
    pcsc: true,
  };
}

interface TtyStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

export async function runExplore(args: ExploreArgs, ctx: CliContext): Promise<number> {
  const verbose = args.verbose ?? 0;
  // -v shows every APDU annotated inside the shell; the library's own log only with -vv.
  if (verbose === 1) createDebug.disable();
  if (verbose >= 2) createDebug.enable('schsm:*,-schsm:transport');
  const choice = await chooseCard(args, ctx);
  const interactive = (ctx.stdin as TtyStream).isTTY === true && ctx.isTTY;
  return runExplorer({
    openTransport: choice.open,
    openOther: (reader) => ctx.openTransport({ reader }),
    listReaders: choice.pcsc === true ? async () => (await import('../../../transport/pcsc.ts')).listReaders() : undefined,
    watchCards: choice.pcsc === true ? ctx.watchCards : undefined,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    stdin: ctx.stdin,
    terminal: interactive ? { input: ctx.stdin, output: process.stdout } : undefined,
    color: ctx.color,
    cwd: ctx.cwd,
    env: ctx.env,
    script: args.script,
    keepGoing: args.keepGoing === true,
    debugLevel: Math.min(verbose, 2),
    historyFile: args.history === false ? undefined : defaultHistoryFile(ctx.env),
    record: args.record === undefined ? undefined : { file: args.record, force: args.force === true, redact: args.redact !== false },
    secureChannel: args['secure-channel'] === true,
    redact: args.redact !== false,
  });
}
