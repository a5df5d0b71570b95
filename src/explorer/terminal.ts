/**
 * Terminal plumbing for the interactive shell: the output stream readline writes to (looks like a
 * TTY), and a one-question prompter for script mode when a terminal is still at hand.
 */
import { Writable } from 'node:stream';
import { CommandCancelledError } from './errors.ts';
import { readTerminalLine, type RawInput } from './hidden-line.ts';
import type { Prompter } from './session.ts';

/** What the shell needs of the terminal's output stream. */
export interface TerminalOutput extends NodeJS.WritableStream {
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

/** Forwards to the terminal; looks like a TTY to readline (columns, resize). */
export class TtyOutput extends Writable {
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

  /** Write to the terminal directly (outside readline). */
  writeThrough(text: string): void {
    this.#target.write(text);
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#target.write(chunk);
    done();
  }
}

/**
 * A stream for readline that writes through `write` (the shell's stdout when there is no terminal):
 * the CLI may write its stdout straight to the file descriptor (src/cli/closed-pipe.ts fdWriter), and
 * prompts written through process.stdout instead could then overtake or trail the lines around them.
 */
export function linesOut(write: (text: string) => void): TerminalOutput {
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _enc, done) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
}

/** Ask one question on a terminal, read raw (hidden-line.ts); hidden answers are not echoed. */
export function terminalPrompter(input: NodeJS.ReadableStream, output: TerminalOutput): Prompter {
  return {
    async ask(prompt, hidden) {
      const end = await readTerminalLine({ input: input as RawInput, write: (t) => void output.write(t), prompt, echo: !hidden });
      if (end.kind === 'cancel') throw new CommandCancelledError('input');
      return end.text;
    },
  };
}
