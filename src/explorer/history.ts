/**
 * Persistent history of the interactive shell in the user's state directory
 * (`$XDG_STATE_HOME/schsm/history`, else `~/.local/state/schsm/history`; directory 0700, file 0600).
 *
 * Secrets never reach it: a line is stored only as line-filter.ts lets it through — a known command
 * WITHOUT anything that could be a secret (`verify user 648219` is stored as `verify user`, which asks
 * for the PIN at a hidden prompt when run again; `keys wrap 1 k.wrapped --pin 648219` as `keys wrap 1
 * k.wrapped`). Lines that cannot be cut safely (an `apdu` carrying a VERIFY, CHANGE REFERENCE DATA,
 * RESET RETRY COUNTER, INITIALIZE or DKEK share) are not stored at all, and answers typed at hidden
 * prompts never enter the history, in memory or on disk.
 */
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shownLine } from './line-filter.ts';
import type { ExplorerCommand } from './types.ts';

/** Lines kept in the file (older ones are dropped when the file is rewritten). */
export const HISTORY_MAX = 1000;

/** `$XDG_STATE_HOME/schsm`, else `~/.local/state/schsm`. */
export function stateDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && xdg !== '' && path.isAbsolute(xdg) ? xdg : path.join(env.HOME ?? os.homedir(), '.local', 'state');
  return path.join(base, 'schsm');
}

export function defaultHistoryFile(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(stateDir(env), 'history');
}

/**
 * The line as it may be remembered, or undefined when it must not be: line-filter.ts, the one filter
 * that the history, trace comments, the -v log and script errors share.
 */
export function historyLine(table: readonly ExplorerCommand[], line: string): string | undefined {
  return shownLine(table, line);
}

/** Previous lines, newest first (readline's order); [] when there is no file yet. */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .reverse()
      .slice(0, HISTORY_MAX);
  } catch {
    return [];
  }
}

/** Append one (already redacted) line; creates the directory 0700 and the file 0600. */
export function appendHistory(file: string, line: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${line.replace(/[\r\n]+/g, ' ')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Keep only the newest HISTORY_MAX lines (called once at start-up). */
export function trimHistory(file: string): void {
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length <= HISTORY_MAX) return;
    writeFileSync(file, `${lines.slice(-HISTORY_MAX).join('\n')}\n`, { mode: 0o600 });
  } catch {
    // no history yet, or an unwritable one: not worth stopping the shell for
  }
}
