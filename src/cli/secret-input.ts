/**
 * Where schsm gets PINs, SO-PINs and passwords from, in this order:
 *   1. an environment variable named by `--X-env VAR` (scripts, CI),
 *   2. stdin with `--X-stdin`: one secret per line, in the order the command documents,
 *   3. a literal `--X VALUE` flag, accepted with a warning (it lands in shell history and `ps`),
 *   4. a hidden prompt when stdin is a terminal: raw mode, nothing echoed, not even asterisks.
 * A secret is never written to stdout/stderr, never logged and never part of an error message.
 */
import { line, type CliContext } from './context.ts';
import { RefusedError, UsageError } from './exit-codes.ts';
import { SchsmError } from '../transport/errors.ts';
import { readTerminalLine, type RawInput } from '../explorer/hidden-line.ts';

/**
 * Ctrl-C / Ctrl-D at a secret prompt: nothing was done with the input. Ctrl-C is an interrupt (exit 130,
 * as a shell reports SIGINT, code ERR_SCHSM_INTERRUPTED); Ctrl-D, the end of input, a refusal (exit 4).
 */
export class SecretInputAbortedError extends RefusedError {
  override name = 'SecretInputAbortedError';
  constructor(what: string, key: 'ctrl-c' | 'ctrl-d' = 'ctrl-d') {
    super(
      `no ${what} entered (input cancelled)`,
      'nothing was done with it',
      key === 'ctrl-c' ? 'ERR_SCHSM_INTERRUPTED' : 'ERR_SCHSM_REFUSED',
    );
  }
}

/** How to obtain one secret, from the command's flags. */
export interface SecretSpec {
  /** Words for prompts and messages: "user PIN", "current SO-PIN", "share password". */
  readonly what: string;
  /** Name of the environment variable (`--pin-env VAR`). */
  readonly envVar?: string | undefined;
  /** Read the next line of stdin (`--pin-stdin`). */
  readonly stdin?: boolean | undefined;
  /** Literal value from the command line, and the flag that carried it (for the warning). */
  readonly literal?: string | undefined;
  readonly literalFlag?: string;
  /** Ask twice at a prompt (new PINs, new passwords). */
  readonly confirm?: boolean;
  /** The flags that provide this secret, for the "no secret" error: "--pin-env VAR or --pin-stdin". */
  readonly flags: string;
  /** Checks the value; at a prompt a failure asks again (3 times), elsewhere it is the error. */
  readonly validate?: (value: string) => void;
}

/** True when the context's stdin is a terminal on which we can read with echo off. */
export function canPrompt(ctx: CliContext): boolean {
  const input = ctx.stdin as RawInput;
  return input.isTTY === true && typeof input.setRawMode === 'function';
}

/**
 * Read one line from a terminal in raw mode (explorer/hidden-line.ts: Backspace, Ctrl-U, Ctrl-C,
 * Ctrl-D, escape sequences ignored). The prompt goes to stderr; the answer is never echoed unless
 * `echo` (non-secret answers such as a threshold prime). Resolves with the text, rejects with
 * SecretInputAbortedError on Ctrl-C / Ctrl-D.
 */
export async function promptHidden(ctx: CliContext, prompt: string, what: string, echo = false): Promise<string> {
  const end = await readTerminalLine({ input: ctx.stdin as RawInput, write: ctx.stderr, prompt, echo });
  if (end.kind === 'cancel') throw new SecretInputAbortedError(what, end.key);
  return end.text;
}

/** Reads stdin one line at a time, pausing the stream in between (so the process can exit). */
class LineReader {
  #buffer = '';
  #ended = false;
  readonly #input: NodeJS.ReadableStream;

  constructor(input: NodeJS.ReadableStream) {
    this.#input = input;
  }

  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.#buffer.indexOf('\n');
      if (nl >= 0) {
        const text = this.#buffer.slice(0, nl).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(nl + 1);
        return text;
      }
      if (this.#ended) {
        const rest = this.#buffer;
        this.#buffer = '';
        return rest === '' ? undefined : rest;
      }
      await this.#more();
    }
  }

  #more(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.#input.removeListener('data', onData);
        this.#input.removeListener('end', onEnd);
        this.#input.removeListener('error', onError);
        this.#input.pause();
      };
      const onData = (d: Buffer | string): void => {
        this.#buffer += typeof d === 'string' ? d : d.toString('utf8');
        done();
        resolve();
      };
      const onEnd = (): void => {
        this.#ended = true;
        done();
        resolve();
      };
      const onError = (e: Error): void => {
        done();
        reject(e);
      };
      this.#input.on('data', onData);
      this.#input.once('end', onEnd);
      this.#input.once('error', onError);
      this.#input.resume();
    });
  }
}

/** One reader per command run: keeps the stdin line position across several secrets. */
export class SecretReader {
  readonly #ctx: CliContext;
  #lines: LineReader | undefined;

  constructor(ctx: CliContext) {
    this.#ctx = ctx;
  }

  /** The secret described by `spec` (see the file comment for the order of sources). */
  async read(spec: SecretSpec): Promise<string> {
    const value = await this.#fromFlags(spec);
    if (value !== undefined) {
      spec.validate?.(value);
      return value;
    }
    if (!canPrompt(this.#ctx)) {
      throw new UsageError(`no ${spec.what} given and stdin is not a terminal to ask for it`, `pass ${spec.flags}`);
    }
    return this.#prompt(spec);
  }

  /** One answer from a terminal prompt (echoed only with `echo`), else the next stdin line (threshold share entry). */
  async ask(prompt: string, what: string, echo = false): Promise<string> {
    if (canPrompt(this.#ctx)) return promptHidden(this.#ctx, prompt, what, echo);
    return this.#nextLine(what);
  }

  async #nextLine(what: string): Promise<string> {
    this.#lines ??= new LineReader(this.#ctx.stdin);
    const text = await this.#lines.next();
    if (text === undefined)
      throw new UsageError(`stdin ended before the ${what}`, 'give one value per line, in the order the command --help lists');
    return text;
  }

  async #fromFlags(spec: SecretSpec): Promise<string | undefined> {
    if (spec.envVar !== undefined) {
      const v = this.#ctx.env[spec.envVar];
      if (v === undefined || v === '')
        throw new UsageError(
          `the environment variable named for the ${spec.what} is not set or empty`,
          `check the name given with ${spec.flags.split(' ')[0] ?? '--…-env'}; it is not repeated here, since a value typed there by mistake would be the secret itself`,
        );
      return v;
    }
    if (spec.stdin === true) return this.#nextLine(spec.what);
    if (spec.literal !== undefined) {
      line(
        this.#ctx.stderr,
        `warning: ${spec.literalFlag ?? 'a literal flag'} puts the ${spec.what} into your shell history and the process list (ps); prefer the prompt or ${spec.flags}`,
      );
      return spec.literal;
    }
    return undefined;
  }

  async #prompt(spec: SecretSpec): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const first = await promptHidden(this.#ctx, `${capitalise(spec.what)}: `, spec.what);
      try {
        spec.validate?.(first);
        if (spec.confirm === true && (await promptHidden(this.#ctx, `Repeat the ${spec.what}: `, spec.what)) !== first) {
          throw new UsageError(`the two ${spec.what} entries differ`);
        }
        return first;
      } catch (err) {
        if (attempt >= 3 || !(err instanceof SchsmError) || err instanceof SecretInputAbortedError) throw err;
        line(this.#ctx.stderr, `${err.message}; try again`);
      }
    }
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
