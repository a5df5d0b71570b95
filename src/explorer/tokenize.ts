/**
 * The explorer's line tokenizer, shell-like: words split at blanks; "double" and 'single' quotes
 * group (and keep empty words: `""`); a backslash escapes the next character (not inside single
 * quotes); `#` at the start of a word starts a comment that runs to the end of the line. Every token
 * keeps its span in the line, so a history entry can drop a secret word without re-quoting the rest.
 */
import { UsageError } from '../transport/errors.ts';

export interface Token {
  /** The word after quote removal and escapes. */
  readonly text: string;
  /** [start, end) of the word in the line, quotes included. */
  readonly start: number;
  readonly end: number;
  /** Some part of it was quoted (so `"--force"` is a word, not an option). */
  readonly quoted: boolean;
}

interface Builder {
  text: string;
  start: number;
  quoted: boolean;
}

/** Split one line. Throws UsageError for an unterminated quote or a trailing backslash. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let cur: Builder | undefined;
  let i = 0;
  const flush = (end: number): void => {
    if (cur !== undefined) out.push({ text: cur.text, start: cur.start, end, quoted: cur.quoted });
    cur = undefined;
  };
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (/\s/.test(ch)) {
      flush(i);
      i++;
      continue;
    }
    if (ch === '#' && cur === undefined) break;
    cur ??= { text: '', start: i, quoted: false };
    if (ch === '"' || ch === "'") {
      i = quoted(line, i, cur);
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= line.length) throw new UsageError('the line ends with a lone backslash');
      cur.text += line[i + 1];
      i += 2;
      continue;
    }
    cur.text += ch;
    i++;
  }
  flush(Math.min(i, line.length));
  return out;
}

/** Consume a quoted part starting at `open`; returns the index after the closing quote. */
function quoted(line: string, open: number, cur: Builder): number {
  const q = line[open];
  cur.quoted = true;
  let i = open + 1;
  while (i < line.length && line[i] !== q) {
    if (q === '"' && line[i] === '\\' && i + 1 < line.length) i++;
    cur.text += line[i];
    i++;
  }
  if (i >= line.length)
    throw new UsageError(`unterminated ${q === '"' ? 'double' : 'single'} quote`, `close the quote that starts at column ${open + 1}`);
  return i + 1;
}
