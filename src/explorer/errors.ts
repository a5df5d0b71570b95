/**
 * Errors of the explorer shell itself (the card's own errors come from card/ and are printed as they
 * are). Codes follow the CLI's families so `schsm explore --script` exits like the other commands; the
 * generic kinds (UsageError, RefusedError, FileExistsError) are the shared ones of transport/errors.ts.
 */
import { SchsmError, UsageError } from '../transport/errors.ts';

/** No command of that name or prefix. */
export class UnknownCommandError extends UsageError {
  override name = 'UnknownCommandError';
  readonly word: string;
  constructor(word: string, what = 'command') {
    super(`unknown ${what} ${JSON.stringify(word)}`, what === 'command' ? '`help` lists the commands' : `\`help\` shows the ${what}s`);
    this.word = word;
  }
}

/** A prefix that matches more than one command (opensc-explorer's ambiguous_match). */
export class AmbiguousCommandError extends UsageError {
  override name = 'AmbiguousCommandError';
  readonly candidates: readonly string[];
  constructor(word: string, candidates: readonly string[], what = 'command') {
    super(`ambiguous ${what} ${JSON.stringify(word)}: it could be ${candidates.join(', ')}`, 'type more letters');
    this.candidates = candidates;
  }
}

/** A command ran longer than its time limit. */
export class CommandTimeoutError extends SchsmError {
  override name = 'CommandTimeoutError';
  constructor(command: string, ms: number) {
    super(`${command} did not finish within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`, 'ERR_SCHSM_TIMEOUT', {
      hint: 'the card or reader may hang; if the next command says an exchange is still in progress, wait or `reconnect`',
    });
  }
}

/** Ctrl-C while a command was running (or at a secret prompt). */
export class CommandCancelledError extends SchsmError {
  override name = 'CommandCancelledError';
  constructor(what = 'command') {
    super(`${what} cancelled`, 'ERR_SCHSM_CANCELLED', { hint: 'an APDU already sent is not undone' });
  }
}

/** No card session (the card was removed, the reader went away, or connecting failed). */
export class NoCardError extends SchsmError {
  override name = 'NoCardError';
  constructor(reason: string) {
    super(`no card: ${reason}`, 'ERR_SCHSM_NO_CARD', {
      hint: 'insert the card (or plug the token in) and type `reconnect`; the next card command also retries',
    });
  }
}

/** A secret was needed but there is no terminal to ask it on. */
export class SecretNeededError extends UsageError {
  override name = 'SecretNeededError';
  constructor(what: string, how: string) {
    super(`no ${what} given and no terminal to ask for it`, how);
  }
}
