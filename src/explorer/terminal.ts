/**
 * Terminal plumbing for the interactive shell: an output stream that can be muted while a secret is
 * typed (readline echoes every key through it), and a one-question prompter for script mode when a
 * terminal is still at hand.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Prompter } from './session.ts';

/** What the shell needs of the terminal's output stream. */
export interface TerminalOutput extends NodeJS.WritableStream {
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

/** Forwards to the terminal unless muted; looks like a TTY to readline (columns, resize). */
export class MutableOutput extends Writable {
  muted = false;
  readonly isTTY = true;
  readonly #target: TerminalOutput;

  constructor(target: TerminalOutput) {
    super();
    this.#target = target;
    target.on('resize', () => this.emit('resize'));
  }

  get columns(): number {
    return this.#target.columns ?? 80;
  }

  get rows(): number {
    return this.#target.rows ?? 24;
  }

  /** Write to the terminal even while muted (the newline after a hidden answer). */
  writeThrough(text: string): void {
    this.#target.write(text);
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.muted) this.#target.write(chunk);
    done();
  }
}

/** Ask one question on a terminal with a throw-away readline (no history); hidden answers are not echoed. */
export function terminalPrompter(input: NodeJS.ReadableStream, output: TerminalOutput): Prompter {
  return {
    ask(prompt, hidden) {
      const out = new MutableOutput(output);
      const rl = createInterface({ input, output: out, terminal: true, historySize: 0 });
      rl.setPrompt(prompt);
      rl.prompt();
      out.muted = hidden;
      return new Promise((resolve, reject) => {
        rl.once('line', (line) => {
          out.muted = false;
          if (hidden) out.writeThrough('\n');
          rl.close();
          resolve(line);
        });
        rl.once('SIGINT', () => {
          out.muted = false;
          out.writeThrough('^C\n');
          rl.close();
          reject(new Error('cancelled'));
        });
      });
    },
  };
}
