/**
 * The command table's entry (one table drives help, completion and dispatch): name, aliases, argument synopsis, help, optional
 * completion, and `run`. One small file per command or per family in commands/.
 */
import type { Token } from './tokenize.ts';
import type { ExplorerSession } from './session.ts';

export interface ExplorerCommand {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Synopsis of the arguments, opensc-explorer style: `{..|FID|aid:HEX}`, `[FID]`. */
  readonly args: string;
  /** One line for `help`. */
  readonly help: string;
  /** More lines for `help NAME` (examples, options). */
  readonly details?: readonly string[];
  /** Time limit in ms (default 60 s); 0 = none (the command checks `session.signal` itself). */
  readonly timeoutMs?: number | ((args: readonly Token[]) => number);
  /** Candidates for the word being completed; `index` is its position among the argument tokens. */
  complete?(session: ExplorerSession, index: number, partial: string, before: readonly Token[]): readonly string[];
  /**
   * The most positional words the command takes (after the options with their values): more are cut
   * from history, traces and logs, as a secret typed in the wrong place (line-filter.ts).
   */
  readonly maxWords?: number | ((args: readonly Token[]) => number | undefined);
  run(session: ExplorerSession, args: readonly Token[]): Promise<void>;
}

/** A family such as `keys list|generate|…`: the first argument picks the subcommand. */
export interface Subcommand {
  readonly name: string;
  readonly args: string;
  readonly help: string;
  readonly timeoutMs?: number;
  complete?(session: ExplorerSession, index: number, partial: string, before: readonly Token[]): readonly string[];
  /** As ExplorerCommand.maxWords, counted after the subcommand's name. */
  readonly maxWords?: number;
  run(session: ExplorerSession, args: readonly Token[]): Promise<void>;
}
