/**
 * Script mode (`--script FILE`, or stdin that is not a terminal): one command per line, `#` comments.
 * Unlike opensc-explorer it stops at the first failing command and exits 1, naming the line;
 * `keepGoing` runs on (the old behaviour) and still exits 1 if anything failed.
 */
import { executeLine, formatError, type Runner } from './dispatch.ts';
import { shownLine } from './line-filter.ts';
import type { ExplorerSession } from './session.ts';

/** What trace comments, the -v log and errors show of a line that line-filter.ts keeps back. */
const NOT_SHOWN = '(a line not shown: it may hold a secret)';

/**
 * Before a line runs: into the trace as a `# explore> …` comment while recording, and, in script mode
 * at `-v`, into the log on stderr. Both show only what line-filter.ts lets through.
 */
export function noteLine(session: ExplorerSession, line: string, log: boolean): void {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return;
  const shown = `explore> ${shownLine(session.commands, line) ?? NOT_SHOWN}`;
  session.link.recording?.comment(shown);
  if (log && session.debugLevel >= 1) session.io.err(`${session.style.dim(shown)}\n`);
}

export interface ScriptOptions {
  readonly text: string;
  /** File name for messages ("<stdin>" for standard input). */
  readonly name: string;
  readonly keepGoing: boolean;
}

/** Run every line; returns the exit code (0, or 1 when a command failed). */
export async function runScript(session: ExplorerSession, runner: Runner, o: ScriptOptions): Promise<number> {
  const lines = o.text.split(/\r?\n/);
  let failed = 0;
  for (let i = 0; i < lines.length && !session.quitRequested; i++) {
    const line = lines[i] ?? '';
    try {
      noteLine(session, line, true);
      await executeLine(session, runner, line);
    } catch (err) {
      failed++;
      session.io.err(formatError(err, session, `${o.name}:${i + 1}: `));
      session.io.err(`${session.style.dim('in:')} ${shownLine(session.commands, line) ?? NOT_SHOWN}\n`);
      if (!o.keepGoing) {
        session.io.err(`stopped at ${o.name}:${i + 1} (--keep-going runs the remaining lines)\n`);
        return 1;
      }
    }
  }
  return failed > 0 ? 1 : 0;
}
