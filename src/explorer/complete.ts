/**
 * Tab completion: command names at the start of a line, then whatever the command offers (FIDs seen
 * on the card, PIN names, subcommands, local paths). Never talks to the card: FIDs come from the
 * last ENUMERATE OBJECTS (at connect, `ls`, `find` and after changes).
 */
import { hex4 } from '../apdu/hex.ts';
import { FID } from '../card/constants.ts';
import { parseLine } from './dispatch.ts';
import type { ExplorerSession } from './session.ts';
import { namesStartingWith } from './table.ts';
import { tokenize, type Token } from './tokenize.ts';

/** readline completer result: candidates and the text they replace. */
export type Completion = [string[], string];

export function completeLine(session: ExplorerSession, line: string): Completion {
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch {
    return [[], line];
  }
  const endsInBlank = line === '' || /\s$/.test(line);
  const partial = endsInBlank ? '' : (tokens[tokens.length - 1]?.text ?? '');
  const done = endsInBlank ? tokens : tokens.slice(0, -1);
  if (done.length === 0) return [namesStartingWith(session.commands, partial), partial];
  let parsed;
  try {
    parsed = parseLine(session.commands, line);
  } catch {
    return [[], partial];
  }
  const complete = parsed?.command.complete;
  if (parsed === undefined || complete === undefined) return [[], partial];
  const before = done.slice(1);
  return [[...complete.call(parsed.command, session, before.length, partial, before)], partial];
}

/** FIDs of the card (plus the fixed ones) starting with `partial`, upper-case hex. */
export function completeFid(session: ExplorerSession, partial: string): string[] {
  const all = new Set<number>([...session.knownFids, FID.C_DEV_AUT]);
  const p = partial.toUpperCase();
  return [...all]
    .map(hex4)
    .filter((h) => h.startsWith(p))
    .sort();
}

/** Words starting with `partial` (subcommands, PIN names, levels). */
export function completeWords(words: readonly string[], partial: string): string[] {
  return words.filter((w) => w.startsWith(partial.toLowerCase()) || w.startsWith(partial));
}
