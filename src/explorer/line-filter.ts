/**
 * The one filter for every place an explorer line is kept or repeated: the history file, the
 * `# explore> …` comments of `--record` traces, the `explore> …` lines of the `-v` log and the `in: …`
 * lines of script errors. It works on what a line COULD carry, not on what the command's parser would
 * accept (a line the parser rejects is stored and recorded too, and may hold a secret typed in the
 * wrong place):
 *
 * - the value of any option whose name speaks of a secret (`--pin`, `--so-pin`, `--new-pin`, `--password`,
 *   `--password-env`, `--share…`, `--secret`, camelCase and `_` spellings, `--x=value` or `--x value`),
 *   and any option that is an abbreviation of one (`--pass`, `--p`, `-p`, `--sh`), is cut with its value;
 * - after `verify`, `change`, `unblock` or `pin_info` (as the command, by any prefix, or as a later
 *   word): everything but a PIN reference (`user`, `so`, `0x81`, `CHV129`), `--force` and `--allow-last-try` is cut;
 * - words beyond the positional arguments a command declares (`maxWords`) are cut (`dkek import
 *   c1.pbe Custodian-1-pass`, `keys wrap 1 x.wrapped 648219`);
 * - `#` comments are dropped;
 * - a line is not kept at all when it cannot be cut safely: unknown or ambiguous commands (a typo may
 *   hide a PIN), lines that do not tokenize, and `apdu` lines whose APDU carries a secret by its
 *   instruction (transport/redact.ts's table) or cannot be read far enough to tell.
 */
import { parseApduText } from '../apdu/script.ts';
import { commandSecrets } from '../transport/redact.ts';
import { parsePinRef } from './pin-input.ts';
import { resolveName } from './table.ts';
import { tokenize, type Token } from './tokenize.ts';
import type { ExplorerCommand } from './types.ts';

/** Commands (by name) whose words after the PIN reference are PINs. */
const PIN_COMMANDS: ReadonlySet<string> = new Set(['verify', 'change', 'unblock', 'pin_info']);

/** Later words that start the PIN rule too (`pin verify 648219`, typed out of CLI habit). */
const PIN_WORDS: ReadonlySet<string> = new Set(['verify', 'change', 'unblock']);

/** Option names (lower case, without `-` and `_`) that carry a secret, and those an abbreviation may stand for. */
const SECRET_PARTS = ['pin', 'pass', 'pwd', 'share', 'secret'] as const;
const SECRET_OPTIONS = ['pin', 'sopin', 'newpin', 'oldpin', 'userpin', 'password', 'passphrase', 'share', 'shares', 'secret'] as const;

/** Does the option word `t` (`--so-pin=…`, `-p`, `--soPin`) name a secret, or abbreviate one that does? */
export function isSecretOption(t: Token): boolean {
  if (t.quoted || !/^--?[a-z]/i.test(t.text)) return false;
  const name = (t.text.split('=', 1)[0] ?? '').replace(/[-_]/g, '').toLowerCase();
  if (name === '') return false;
  return SECRET_PARTS.some((p) => name.includes(p)) || SECRET_OPTIONS.some((o) => o.startsWith(name));
}

const isOption = (t: Token): boolean => !t.quoted && /^--?[a-z]/i.test(t.text);

function isPinRef(text: string): boolean {
  try {
    parsePinRef(text, true);
    return true;
  } catch {
    return false;
  }
}

/** The APDU of an `apdu` line carries a secret by its instruction, or cannot be read to tell. */
function apduMayCarrySecret(args: readonly Token[]): boolean {
  try {
    return commandSecrets(parseApduText(args.map((t) => t.text).join(' ')).bytes).length > 0;
  } catch {
    return true;
  }
}

function resolve(table: readonly ExplorerCommand[], word: string): ExplorerCommand | undefined {
  try {
    return resolveName(table, word);
  } catch {
    return undefined;
  }
}

/** Cut secret options with their values (`--x value` or `--x=value`). */
function cutSecretOptions(tokens: readonly Token[], cut: Set<number>): void {
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!isSecretOption(t)) continue;
    cut.add(i);
    if (!t.text.includes('=') && i + 1 < tokens.length) cut.add(++i);
  }
}

/** From the PIN word at `k` on: keep the first positional if it is a PIN reference, and --force / --allow-last-try. */
function cutPins(tokens: readonly Token[], k: number, cut: Set<number>): void {
  let refSeen = false;
  for (let i = k + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (isOption(t)) {
      if (!/^(--force|-f|--allow-last-try)$/.test(t.text)) cut.add(i);
      continue;
    }
    if (!refSeen && isPinRef(t.text)) refSeen = true;
    else cut.add(i);
    refSeen = true;
  }
}

/** Words beyond the command's declared positional arguments (options already cut do not count). */
function cutExtraWords(command: ExplorerCommand, tokens: readonly Token[], cut: Set<number>): void {
  const args = tokens.slice(1);
  const max = typeof command.maxWords === 'function' ? command.maxWords(args) : command.maxWords;
  if (max === undefined) return;
  let seen = 0;
  for (let i = 1; i < tokens.length; i++) {
    if (cut.has(i) || isOption(tokens[i] as Token)) continue;
    if (++seen > max) cut.add(i);
  }
}

/**
 * The line as it may be kept (history) or repeated (trace comments, logs, error lines), or undefined
 * when it must not be (see the module comment). Blank and comment-only lines give undefined too.
 */
export function shownLine(table: readonly ExplorerCommand[], line: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch {
    return undefined;
  }
  const [word] = tokens;
  if (word === undefined) return undefined;
  const command = resolve(table, word.text);
  if (command === undefined) return undefined;
  if (command.name === 'apdu' && apduMayCarrySecret(tokens.slice(1))) return undefined;
  const cut = new Set<number>();
  cutSecretOptions(tokens, cut);
  const pinAt = PIN_COMMANDS.has(command.name) ? 0 : tokens.findIndex((t, i) => i > 0 && !t.quoted && PIN_WORDS.has(t.text.toLowerCase()));
  if (pinAt >= 0) cutPins(tokens, pinAt, cut);
  cutExtraWords(command, tokens, cut);
  const kept = tokens.filter((_, i) => !cut.has(i));
  const trimmed = line.trim();
  const last = tokens.at(-1);
  // Nothing cut and no comment after the last word: the line as typed (its spacing kept).
  if (kept.length === tokens.length && last !== undefined && line.slice(0, last.end).trim() === trimmed) return trimmed;
  return kept.map((t) => line.slice(t.start, t.end)).join(' ');
}
