/**
 * One line read from a terminal in raw mode, byte by byte, for PINs, SO-PINs and passwords (and, with
 * echo, short answers such as y/N). It never goes through readline, so the typed bytes never sit in a
 * line buffer that a later prompt would show, nor in any history. Keys:
 *   Enter          the answer
 *   Ctrl-C         cancel (what was typed is discarded)
 *   Ctrl-D         cancel when nothing is typed yet (as a terminal's end of input), else ignored
 *   Backspace      delete the last character;  Ctrl-U  delete everything typed
 *   other control keys and escape sequences (arrows, function keys) are ignored.
 * The CLI's secret prompts (cli/secret-input.ts) and the explorer's share it.
 */

/** What a TTY input stream offers beyond a readable stream. */
export interface RawInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export type LineEnd = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'cancel'; readonly key: 'ctrl-c' | 'ctrl-d' };

/** Editing state: the buffer and whether we are inside an escape sequence. */
interface Editor {
  buf: string;
  /** 0: plain; 1: after ESC; 2: inside a CSI/SS3 sequence (until its final byte). */
  esc: 0 | 1 | 2;
}

/** Apply one character; returns how the line ended, or undefined to go on. */
function applyKey(e: Editor, ch: string): LineEnd | undefined {
  if (e.esc === 1) {
    e.esc = ch === '[' || ch === 'O' ? 2 : 0;
    return undefined;
  }
  if (e.esc === 2) {
    if (ch >= '@' && ch <= '~') e.esc = 0;
    return undefined;
  }
  if (ch === '\r' || ch === '\n') return { kind: 'line', text: e.buf };
  if (ch === '\u0003') return { kind: 'cancel', key: 'ctrl-c' };
  if (ch === '\u0004') return e.buf === '' ? { kind: 'cancel', key: 'ctrl-d' } : undefined;
  if (ch === '\u001b') e.esc = 1;
  else if (ch === '\u007f' || ch === '\b') e.buf = Array.from(e.buf).slice(0, -1).join('');
  else if (ch === '\u0015') e.buf = '';
  else if (ch >= ' ') e.buf += ch;
  return undefined;
}

export interface ReadLineOptions {
  readonly input: RawInput;
  /** Where the prompt (and the echo of a non-secret answer) goes. */
  readonly write: (text: string) => void;
  readonly prompt: string;
  /** Echo what is typed (non-secret answers only). */
  readonly echo?: boolean;
}

/** Echo of one edit: new characters, or backspaces over removed ones. */
function echoEdit(before: string, after: string): string {
  if (after.length > before.length) return after.slice(before.length);
  return '\b \b'.repeat(Array.from(before).length - Array.from(after).length);
}

/**
 * Read one line (see the module comment). Resolves with how it ended; the newline after the answer is
 * written here (also after a cancel, with `^C`). Raw mode is restored and typed-ahead bytes after the
 * Enter are given back to the stream.
 */
export function readTerminalLine(o: ReadLineOptions): Promise<LineEnd> {
  const input = o.input;
  o.write(o.prompt);
  const wasRaw = input.isRaw === true;
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve) => {
    const e: Editor = { buf: '', esc: 0 };
    const onData = (chunk: Buffer | string): void => {
      const chars = Array.from(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      for (const [i, ch] of chars.entries()) {
        const before = e.buf;
        const end = applyKey(e, ch);
        if (end === undefined) {
          if (o.echo === true && e.buf !== before) o.write(echoEdit(before, e.buf));
          continue;
        }
        input.removeListener('data', onData);
        input.setRawMode?.(wasRaw);
        input.pause();
        o.write(end.kind === 'cancel' && end.key === 'ctrl-c' ? '^C\n' : '\n');
        const rest = chars
          .slice(i + 1)
          .join('')
          .replace(/^\n/, '');
        if (rest !== '') input.unshift(Buffer.from(rest, 'utf8'));
        e.buf = '';
        resolve(end);
        return;
      }
    };
    input.on('data', onData);
  });
}
