import type { ArgumentsCamelCase, Argv } from 'yargs';
import { UsageError } from '../transport/errors.ts';
import type { CardSource, CliContext } from './context.ts';

/** Options every command accepts. */
export interface GlobalArgs {
  reader: string | undefined;
  sim: boolean;
  'sim-state': string | undefined;
  json: boolean;
  verbose: number;
  exclusive: boolean;
  record: string | undefined;
  /** Overwrite existing files. Never weakens card protection (that is --allow-last-try / --yes). */
  force: boolean;
  redact: boolean;
  'secure-channel': boolean;
  /** --wait SECONDS: wait for a card to be inserted. */
  wait: number | undefined;
}

export type Handler<A> = (args: ArgumentsCamelCase<A>, ctx: CliContext) => Promise<number | undefined>;

/** A command module (angular-cli style): yargs definition, lazily imported logic, card scope. */
export interface CommandDef {
  readonly command: string;
  readonly aliases?: readonly string[];
  readonly describe: string;
  /** Opens a card (so it honours --reader/--sim/--record); false for offline commands. */
  readonly needsCard: boolean;
  readonly builder: (y: Argv<GlobalArgs>) => Argv<unknown>;
  /** Absent for a group whose subcommands do the work. */
  readonly handler?: Handler<unknown>;
  readonly subcommands?: readonly CommandDef[];
}

/** Type-checked definition: `builder`'s options type flows into `handler`'s arguments. */
export function defineCommand<A>(def: {
  command: string;
  aliases?: readonly string[];
  describe: string;
  needsCard: boolean;
  builder: (y: Argv<GlobalArgs>) => Argv<A>;
  handler: Handler<A>;
}): CommandDef {
  return def as unknown as CommandDef;
}

/** A command group such as `schsm dkek …`. */
export function defineGroup(def: { command: string; describe: string; subcommands: readonly CommandDef[] }): CommandDef {
  return { ...def, needsCard: false, builder: (y) => y as Argv<unknown> };
}

/** The card source named by the global options. */
export function cardSource(args: Partial<GlobalArgs> & { simState?: string | undefined; secureChannel?: boolean | undefined }): CardSource {
  const src: { -readonly [K in keyof CardSource]: CardSource[K] } = {};
  if (args.reader !== undefined) src.reader = args.reader;
  if (args.sim === true) src.sim = true;
  if (args.simState !== undefined) src.simState = args.simState;
  if (args.exclusive === true) src.exclusive = true;
  if (args.record !== undefined) src.record = args.record;
  if (args.force === true) src.force = true;
  if (args.redact === false) src.noRedact = true;
  if (args.secureChannel === true || args['secure-channel'] === true) src.secureChannel = true;
  if (args.wait !== undefined) src.waitForCardMs = waitMs(args.wait);
  return src;
}

/** --wait SECONDS, bounded: a whole or fractional number of seconds in 0..3600. */
export function waitMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600)
    throw new UsageError(
      `--wait takes seconds from 0 to 3600, not ${String(seconds)}`,
      'e.g. --wait 30 waits up to half a minute for a card',
    );
  return Math.round(seconds * 1000);
}
