/**
 * Running one line: tokenize, find the command (unique prefixes allowed), run it under its time
 * limit with Ctrl-C cancelling, and turn a lost card into a disconnected (but living) shell.
 */
import { SchsmError } from '../transport/errors.ts';
import { CommandCancelledError, CommandTimeoutError } from './errors.ts';
import type { ExplorerSession } from './session.ts';
import { resolveName } from './table.ts';
import { tokenize, type Token } from './tokenize.ts';
import type { ExplorerCommand } from './types.ts';

/** Default time limit of a command. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** How long a cancelled command may take to stop before the prompt comes back anyway. */
const STOP_GRACE_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A parsed line: the command and its argument tokens; undefined for a blank or comment line. */
export interface ParsedLine {
  readonly command: ExplorerCommand;
  readonly word: Token;
  readonly args: readonly Token[];
}

export function parseLine(table: readonly ExplorerCommand[], line: string): ParsedLine | undefined {
  const tokens = tokenize(line);
  const [word, ...args] = tokens;
  if (word === undefined) return undefined;
  return { command: resolveName(table, word.text), word, args };
}

/** Holds the running command's abort controller so Ctrl-C can reach it. */
export class Runner {
  #controller: AbortController | undefined;
  #what = '';

  get busy(): boolean {
    return this.#controller !== undefined;
  }

  /** The command line being run (for "busy" messages). */
  get what(): string {
    return this.#what;
  }

  cancel(): void {
    this.#controller?.abort(new CommandCancelledError(this.#what));
  }

  /** Run `fn` with `session.signal` and `session.clock` set, rejecting at the limit or on cancel. */
  async run(session: ExplorerSession, what: string, timeoutMs: number, fn: () => Promise<void>): Promise<void> {
    const ctl = new AbortController();
    this.#controller = ctl;
    this.#what = what;
    session.signal = ctl.signal;
    let timer: NodeJS.Timeout | undefined;
    let left = timeoutMs;
    let since = Date.now();
    const arm = (): void => {
      since = Date.now();
      if (timeoutMs > 0) timer = setTimeout(() => ctl.abort(new CommandTimeoutError(what, timeoutMs)), left);
    };
    session.clock = {
      pause: () => {
        clearTimeout(timer);
        left -= Date.now() - since;
      },
      resume: arm,
    };
    const stopped = new Promise<never>((_, reject) =>
      ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason as Error), { once: true }),
    );
    stopped.catch(() => undefined);
    arm();
    const work = fn();
    try {
      await Promise.race([work, stopped]);
    } catch (err) {
      // Cancelled or timed out: give the command a moment to notice and stop, so its last APDU does
      // not collide with the next command on the channel.
      if (ctl.signal.aborted) await Promise.race([work.catch(() => undefined), sleep(STOP_GRACE_MS)]);
      throw err;
    } finally {
      clearTimeout(timer);
      session.clock = undefined;
      this.#controller = undefined;
    }
  }
}

/** Run one line. Returns false for a blank or comment line. Errors propagate (the caller prints them). */
export async function executeLine(session: ExplorerSession, runner: Runner, line: string): Promise<boolean> {
  const parsed = parseLine(session.commands, line);
  if (parsed === undefined) return false;
  const { command, args } = parsed;
  const limit = command.timeoutMs;
  const timeout = typeof limit === 'function' ? limit(args) : (limit ?? DEFAULT_TIMEOUT_MS);
  try {
    await runner.run(session, command.name, timeout, () => command.run(session, args));
  } catch (err) {
    if (session.noteFailure(err))
      session.warn(
        'lost the card connection; the shell stays open: insert the card and type `reconnect` (the next card command retries too)',
      );
    throw err;
  }
  return true;
}

/** "error: …" and "hint: …" lines for any error; the stack only at debug level 2. */
export function formatError(err: unknown, session: ExplorerSession, where = ''): string {
  const s = session.style;
  const lines: string[] = [];
  if (err instanceof SchsmError) {
    lines.push(`${s.red('error:')} ${where}${err.message}`);
    if (err.hint !== undefined) lines.push(`${s.dim('hint:')} ${err.hint}`);
  } else {
    lines.push(`${s.red('internal error:')} ${where}${err instanceof Error ? err.message : String(err)}`);
  }
  if (session.debugLevel >= 2 && err instanceof Error && err.stack !== undefined) lines.push(s.dim(err.stack));
  return `${lines.join('\n')}\n`;
}
