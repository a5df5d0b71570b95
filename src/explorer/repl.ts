/**
 * The interactive shell on node:readline: prompt with the current DF, Tab completion, persistent
 * history without secrets, hidden prompts, and a busy guard — a line typed while a command runs is
 * refused (one command at a time, as the card takes them); Ctrl-C cancels the running command, or
 * clears the line at the prompt; Ctrl-D leaves. At a question (PIN, password, y/N) Ctrl-C and Ctrl-D
 * cancel that command only, and what was typed is discarded.
 */
import { createInterface, type Interface } from 'node:readline';
import { completeLine } from './complete.ts';
import { executeLine, formatError, type Runner } from './dispatch.ts';
import { CommandCancelledError } from './errors.ts';
import { readTerminalLine, type RawInput } from './hidden-line.ts';
import { appendHistory, historyLine, loadHistory, trimHistory } from './history.ts';
import { promptText } from './paths.ts';
import type { ExplorerSession } from './session.ts';
import { TtyOutput, type TerminalOutput } from './terminal.ts';
import { noteLine } from './script.ts';

export interface ReplOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: TerminalOutput;
  /** History file; undefined keeps the history in memory only. */
  readonly historyFile: string | undefined;
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

/**
 * One interactive shell. Questions of a running command (PINs, passwords, y/N) are not asked through
 * readline: readline is closed for the time of the question and the answer is read raw
 * (hidden-line.ts), so a cancelled PIN never lands in the next prompt's line and Ctrl-D cancels the
 * question instead of ending the shell; a new readline (same history) takes over afterwards.
 */
class Repl {
  readonly #session: ExplorerSession;
  readonly #runner: Runner;
  readonly #o: ReplOptions;
  readonly #out: TtyOutput;
  #rl: Interface;
  /** readline is being closed for a question, not by the user. */
  #suspending = false;
  #leave: (() => void) | undefined;

  constructor(session: ExplorerSession, runner: Runner, o: ReplOptions) {
    this.#session = session;
    this.#runner = runner;
    this.#o = o;
    this.#out = new TtyOutput(o.output);
    if (o.historyFile !== undefined) trimHistory(o.historyFile);
    this.#rl = this.#openReadline(o.historyFile === undefined ? [] : loadHistory(o.historyFile));
    session.prompter = { ask: (prompt, hidden) => this.#ask(prompt, hidden) };
  }

  #openReadline(history: readonly string[]): Interface {
    const rl = createInterface({
      input: this.#o.input,
      output: this.#out,
      terminal: true,
      historySize: 0,
      completer: (line: string) => completeLine(this.#session, line),
    });
    historyOf(rl).push(...history);
    rl.on('line', (line) => this.#onLine(line));
    rl.on('SIGINT', () => this.#onInterrupt());
    rl.on('close', () => this.#onClose());
    return rl;
  }

  /** Show the prompt and resolve when the user leaves (quit, Ctrl-D). */
  run(): Promise<void> {
    this.#showPrompt();
    return new Promise((resolve) => {
      this.#leave = resolve;
    });
  }

  #onClose(): void {
    if (this.#suspending) {
      this.#suspending = false;
      return;
    }
    this.#out.writeThrough('\n'); // Ctrl-D leaves the cursor after the prompt
    this.#runner.cancel();
    this.#session.prompter = undefined;
    this.#leave?.();
  }

  /** A question while a command runs: readline steps aside, the answer is read raw (hidden unless `hidden` is false). */
  async #ask(prompt: string, hidden: boolean): Promise<string> {
    const history = [...historyOf(this.#rl)];
    this.#suspending = true;
    this.#rl.close();
    try {
      const end = await readTerminalLine({
        input: this.#o.input as RawInput,
        write: (t) => this.#out.writeThrough(t),
        prompt,
        echo: !hidden,
      });
      if (end.kind === 'cancel') throw new CommandCancelledError('input');
      return end.text;
    } finally {
      this.#rl = this.#openReadline(history);
    }
  }

  #showPrompt(): void {
    this.#rl.setPrompt(promptText(this.#session));
    this.#rl.prompt();
  }

  #onLine(line: string): void {
    if (this.#runner.busy) {
      this.#session.io.err(
        `${this.#session.style.yellow('busy:')} \`${this.#runner.what}\` is still running; wait for it or press Ctrl-C (input refused)\n`,
      );
    } else {
      void this.#handle(line);
    }
  }

  async #handle(line: string): Promise<void> {
    remember(this.#rl, this.#session, this.#o.historyFile, line);
    noteLine(this.#session, line, false);
    try {
      await executeLine(this.#session, this.#runner, line);
    } catch (err) {
      this.#session.io.err(formatError(err, this.#session));
    }
    if (this.#session.quitRequested) this.#rl.close();
    else this.#showPrompt();
  }

  /** Ctrl-C: cancel the running command; at the prompt, clear the line. */
  #onInterrupt(): void {
    if (this.#runner.busy) {
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
