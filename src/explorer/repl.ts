/**
 * The interactive shell on node:readline: prompt with the current DF, Tab completion, persistent
 * history without secrets, hidden prompts, and a busy guard — a line typed while a command runs is
 * refused (mirroring the channel's single-flight lock); Ctrl-C cancels the running command, or
 * clears the line at the prompt; Ctrl-D leaves.
 */
import { createInterface, type Interface } from 'node:readline';
import { completeLine } from './complete.ts';
import { executeLine, formatError, type Runner } from './dispatch.ts';
import { CommandCancelledError } from './errors.ts';
import { appendHistory, historyLine, loadHistory, trimHistory } from './history.ts';
import { promptText } from './paths.ts';
import type { ExplorerSession } from './session.ts';
import { MutableOutput, type TerminalOutput } from './terminal.ts';
import { traceComment } from './script.ts';

export interface ReplOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: TerminalOutput;
  /** History file; undefined keeps the history in memory only. */
  readonly historyFile: string | undefined;
}

interface PendingAnswer {
  readonly hidden: boolean;
  resolve(answer: string): void;
  reject(error: Error): void;
}

/** readline keeps its history here (newest first); the typings do not declare it. */
function historyOf(rl: Interface): string[] {
  return (rl as unknown as { history: string[] }).history;
}

function remember(rl: Interface, session: ExplorerSession, file: string | undefined, line: string): void {
  const h = historyLine(session.commands, line);
  if (h === undefined || h === '') return;
  const list = historyOf(rl);
  if (list[0] !== h) list.unshift(h);
  if (file === undefined) return;
  try {
    appendHistory(file, h);
  } catch (err) {
    session.warn(`history not saved: ${(err as Error).message}`);
  }
}

export function runRepl(session: ExplorerSession, runner: Runner, o: ReplOptions): Promise<void> {
  const out = new MutableOutput(o.output);
  const rl = createInterface({ input: o.input, output: out, terminal: true, historySize: 0, completer: (line: string) => completeLine(session, line) });
  if (o.historyFile !== undefined) {
    trimHistory(o.historyFile);
    historyOf(rl).push(...loadHistory(o.historyFile));
  }
  let pending: PendingAnswer | undefined;
  const answer = (fn: (p: PendingAnswer) => void): void => {
    const p = pending;
    pending = undefined;
    out.muted = false;
    if (p !== undefined) fn(p);
  };
  session.prompter = {
    ask: (prompt, hidden) => new Promise<string>((resolve, reject) => {
      pending = { hidden, resolve, reject };
      rl.setPrompt(prompt);
      rl.prompt();
      out.muted = hidden;
    }),
  };
  const showPrompt = (): void => {
    rl.setPrompt(promptText(session));
    rl.prompt();
  };
  const handle = async (line: string): Promise<void> => {
    remember(rl, session, o.historyFile, line);
    traceComment(session, line);
    try {
      await executeLine(session, runner, line);
    } catch (err) {
      session.io.err(formatError(err, session));
    }
    if (session.quitRequested) rl.close();
    else showPrompt();
  };
  rl.on('line', (line) => {
    if (pending !== undefined) return answer((p) => { if (p.hidden) out.writeThrough('\n'); p.resolve(line); });
    if (runner.busy) return session.io.err(`${session.style.yellow('busy:')} \`${runner.what}\` is still running; wait for it or press Ctrl-C (input refused)\n`);
    void handle(line);
  });
  rl.on('SIGINT', () => {
    if (pending !== undefined) return answer((p) => { out.writeThrough('^C\n'); p.reject(new CommandCancelledError('input')); });
    if (runner.busy) return runner.cancel();
    out.writeThrough('^C\n');
    rl.write(null, { ctrl: true, name: 'u' });
    session.io.err(session.style.dim('(type quit or press Ctrl-D to leave)\n'));
    showPrompt();
  });
  showPrompt();
  return new Promise((resolve) => rl.on('close', () => {
    out.writeThrough('\n'); // Ctrl-D leaves the cursor after the prompt
    answer((p) => p.reject(new CommandCancelledError('input')));
    runner.cancel();
    session.prompter = undefined;
    resolve();
  }));
}
