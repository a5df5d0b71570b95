/**
 * Command lookup as opensc-explorer does it (`ambiguous_match`): an exact name or alias wins; else a
 * prefix that only one command's name or aliases start with; else an error naming the candidates.
 */
import { AmbiguousCommandError, UnknownCommandError } from './errors.ts';

export interface Named {
  readonly name: string;
  readonly aliases?: readonly string[];
}

/** Resolve `word` in `table`. `what` names the thing in errors ("command", "keys subcommand"). */
export function resolveName<T extends Named>(table: readonly T[], word: string, what = 'command'): T {
  const w = word.toLowerCase();
  const exact = table.find((c) => c.name === w || c.aliases?.includes(w) === true);
  if (exact !== undefined) return exact;
  const hits = table.filter((c) => [c.name, ...(c.aliases ?? [])].some((n) => n.startsWith(w)));
  const [only] = hits;
  if (hits.length === 1 && only !== undefined) return only;
  if (hits.length > 1)
    throw new AmbiguousCommandError(
      word,
      hits.map((c) => c.name),
      what,
    );
  throw new UnknownCommandError(word, what);
}

/** Names and aliases starting with `prefix` (tab completion). */
export function namesStartingWith(table: readonly Named[], prefix: string): string[] {
  const p = prefix.toLowerCase();
  return table
    .flatMap((c) => [c.name, ...(c.aliases ?? [])])
    .filter((n) => n.startsWith(p))
    .sort();
}
