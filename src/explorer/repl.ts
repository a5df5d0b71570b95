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

/** One interactive shell on one readline interface. */
class Repl {
  readonly #session: ExplorerSession;
  readonly #runner: Runner;
  readonly #o: ReplOptions;
  readonly #out: MutableOutput;
  readonly #rl: Interface;
  #pending: PendingAnswer | undefined;

  constructor(session: ExplorerSession, runner: Runner, o: ReplOptions) {
    this.#session = session;
    this.#runner = runner;
    this.#o = o;
    this.#out = new MutableOutput(o.output);
    this.#rl = createInterface({
      input: o.input,
      output: this.#out,
      terminal: true,
      historySize: 0,
      completer: (line: string) => completeLine(session, line),
    });
    if (o.historyFile !== undefined) {
      trimHistory(o.historyFile);
      historyOf(this.#rl).push(...loadHistory(o.historyFile));
    }
    session.prompter = { ask: (prompt, hidden) => this.#ask(prompt, hidden) };
    this.#rl.on('line', (line) => this.#onLine(line));
    this.#rl.on('SIGINT', () => this.#onInterrupt());
  }

  /** Show the prompt and resolve when the user leaves (quit, Ctrl-D). */
  run(): Promise<void> {
    this.#showPrompt();
    return new Promise((resolve) =>
      this.#rl.on('close', () => {
        this.#out.writeThrough('\n'); // Ctrl-D leaves the cursor after the prompt
        this.#answer((p) => p.reject(new CommandCancelledError('input')));
        this.#runner.cancel();
        this.#session.prompter = undefined;
        resolve();
      }),
    );
  }

  /** A question while a command runs; a hidden one mutes the echo until Enter. */
  #ask(prompt: string, hidden: boolean): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#pending = { hidden, resolve, reject };
      this.#rl.setPrompt(prompt);
      this.#rl.prompt();
      this.#out.muted = hidden;
    });
  }

  #answer(fn: (p: PendingAnswer) => void): void {
    const p = this.#pending;
    this.#pending = undefined;
    this.#out.muted = false;
    if (p !== undefined) fn(p);
  }

  #showPrompt(): void {
    this.#rl.setPrompt(promptText(this.#session));
    this.#rl.prompt();
  }

  #onLine(line: string): void {
    if (this.#pending !== undefined) {
      this.#answer((p) => {
        if (p.hidden) this.#out.writeThrough('\n');
        p.resolve(line);
      });
    } else if (this.#runner.busy) {
      this.#session.io.err(
        `${this.#session.style.yellow('busy:')} \`${this.#runner.what}\` is still running; wait for it or press Ctrl-C (input refused)\n`,
      );
    } else {
      void this.#handle(line);
    }
  }

  async #handle(line: string): Promise<void> {
    remember(this.#rl, this.#session, this.#o.historyFile, line);
    traceComment(this.#session, line);
    try {
      await executeLine(this.#session, this.#runner, line);
    } catch (err) {
      this.#session.io.err(formatError(err, this.#session));
    }
    if (this.#session.quitRequested) this.#rl.close();
    else this.#showPrompt();
  }

  /** Ctrl-C: cancel a question or the running command; at the prompt, clear the line. */
  #onInterrupt(): void {
    if (this.#pending !== undefined) {
      this.#answer((p) => {
        this.#out.writeThrough('^C\n');
        p.reject(new CommandCancelledError('input'));
      });
    } else if (this.#runner.busy) {
      this.#runner.cancel();
    } else {
      this.#out.writeThrough('^C\n');
      this.#rl.write(null, { ctrl: true, name: 'u' });
      this.#session.io.err(this.#session.style.dim('(type quit or press Ctrl-D to leave)\n'));
      this.#showPrompt();
    }
  }
}

/** Run the interactive shell until the user leaves. */
export function runRepl(session: ExplorerSession, runner: Runner, o: ReplOptions): Promise<void> {
  return new Repl(session, runner, o).run();
}
