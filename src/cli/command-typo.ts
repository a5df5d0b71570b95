/**
 * A mistyped command (`schsm kyes list`, `schsm keys lst`): found from the command tree, reported as one
 * line with the closest command name (issue 11 item 9), instead of yargs' full help before its error.
 */
import type { CommandDef } from './command.ts';

export interface CommandTypo {
  /** The command words that were recognised ("keys"); "" at the top level. */
  readonly path: string;
  /** The word that names no command, or undefined when it does not look like a command word (it may be a secret). */
  readonly word: string | undefined;
  /** The closest command name, if one is close. */
  readonly suggestion: string | undefined;
}

/** Global options that take a value (the word after them is not a command). */
const VALUE_OPTIONS = new Set(['--reader', '-r', '--sim-state', '--record']);

const nameOf = (d: CommandDef): string => d.command.split(' ')[0] ?? d.command;

/** Edit distance with adjacent transpositions ("kyes" → "keys" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  return (d[a.length] as number[])[b.length] as number;
}

/** The closest of `names` to `word`, when close enough to be a typo of it. */
export function closest(word: string, names: readonly string[]): string | undefined {
  let best: { name: string; dist: number } | undefined;
  for (const name of names) {
    const dist = editDistance(word, name);
    if (best === undefined || dist < best.dist) best = { name, dist };
  }
  if (best === undefined) return undefined;
  const prefix = names.filter((n) => n.startsWith(word));
  if (word.length >= 2 && prefix.length === 1) return prefix[0];
  return best.dist <= Math.min(2, Math.max(1, word.length - 2)) ? best.name : undefined;
}

/** The command among `defs` that `word` names, by its name or an alias. */
export function commandNamed(defs: readonly CommandDef[], word: string): CommandDef | undefined {
  return defs.find((d) => nameOf(d) === word || (d.aliases ?? []).includes(word));
}

/** The command words `argv` names (`keys generate`), and the first word after them that names no command where one is expected. */
export function commandWords(
  argv: readonly string[],
  commands: readonly CommandDef[],
): { path: string[]; unknown?: { word: string; names: string[] } } {
  let defs: readonly CommandDef[] | undefined = commands;
  const path: string[] = [];
  for (let i = 0; i < argv.length && defs !== undefined; i++) {
    const w = argv[i] as string;
    if (w === '--') break;
    if (w.startsWith('-') && w !== '-') {
      if (VALUE_OPTIONS.has(w)) i++;
      continue;
    }
    const def = commandNamed(defs, w);
    if (def === undefined) return { path, unknown: { word: w, names: defs.flatMap((d) => [nameOf(d), ...(d.aliases ?? [])]) } };
    path.push(nameOf(def));
    defs = def.subcommands;
  }
  return { path };
}

/** The first word of `argv` where a command (or subcommand) is expected and none is named; undefined when there is none. */
export function findCommandTypo(argv: readonly string[], commands: readonly CommandDef[]): CommandTypo | undefined {
  const { path, unknown } = commandWords(argv, commands);
  if (unknown === undefined) return undefined;
  const { word, names } = unknown;
  return { path: path.join(' '), word: /^[a-z][a-z-]*$/.test(word) ? word : undefined, suggestion: closest(word, names) };
}

/** "unknown command "kyes"; did you mean "keys"?" */
export function typoMessage(t: CommandTypo): string {
  const what = t.path === '' ? 'command' : `${t.path} subcommand`;
  const word = t.word === undefined ? ' (the word is not shown: it may be a secret)' : ` "${t.word}"`;
  return `unknown ${what}${word}${t.suggestion === undefined ? '' : `; did you mean "${t.suggestion}"?`}`;
}
