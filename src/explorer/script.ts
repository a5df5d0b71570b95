/**
 * Script mode (`--script FILE`, or stdin that is not a terminal): one command per line, `#` comments.
 * Unlike opensc-explorer it stops at the first failing command and exits 1, naming the line;
 * `keepGoing` runs on (the old behaviour) and still exits 1 if anything failed.
 */
import { executeLine, formatError, type Runner } from './dispatch.ts';
import { historyLine } from './history.ts';
import type { ExplorerSession } from './session.ts';

/** While recording, each command line goes into the trace as a comment (secret words left out). */
export function traceComment(session: ExplorerSession, line: string): void {
  const rec = session.link.recording;
  if (rec === undefined || line.trim() === '' || line.trim().startsWith('#')) return;
  rec.comment(`explore> ${historyLine(session.commands, line) ?? '(a line not shown: it may hold a secret)'}`);
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
      traceComment(session, line);
      await executeLine(session, runner, line);
    } catch (err) {
      failed++;
      const shown = historyLine(session.commands, line);
      session.io.err(formatError(err, session, `${o.name}:${i + 1}: `));
      session.io.err(`${session.style.dim('in:')} ${shown ?? '(line not shown: it may hold a secret)'}\n`);
      if (!o.keepGoing) {
        session.io.err(`stopped at ${o.name}:${i + 1} (--keep-going runs the remaining lines)\n`);
        return 1;
      }
    }
  }
  return failed > 0 ? 1 : 0;
}
