/**
 * What a shell needs to complete `schsm …`, derived from the command tree (reference/introspect.ts):
 * for every command path, its subcommands, its options (global ones included) and how to complete
 * each option's value and the positional arguments. The bash, zsh and fish scripts render this.
 *
 * Values that come from the system rather than from the definitions:
 *  - reader names, for an option about a reader (`--reader`, `clone --from/--to`): the names pcscd
 *    lists (no card is touched), plus `sim`;
 *  - environment variable names, for an option that names one (`--pin-env`);
 *  - key references, for a required key-reference number (`keys sign --ref`): read from a simulator
 *    state file named on the command line only. Never from a real card: listing keys SELECTs the
 *    applet, which ends a PIN session another application may have open on it.
 */
import type { CommandInfo, CommandTree, OptionInfo } from '../../reference/introspect.ts';

export type ValueKind =
  | { readonly kind: 'flag' }
  | { readonly kind: 'choices'; readonly choices: readonly string[] }
  | { readonly kind: 'readers' }
  | { readonly kind: 'key-refs' }
  | { readonly kind: 'files' }
  | { readonly kind: 'env' }
  | { readonly kind: 'none' };

export interface CompletionOption {
  /** `--reader`, `-r`, `--no-redact`. */
  readonly flags: readonly string[];
  readonly describe: string;
  readonly value: ValueKind;
}

export interface CompletionNode {
  /** Command words ("keys generate"); "" for `schsm` itself. */
  readonly path: string;
  readonly children: readonly { readonly name: string; readonly aliases: readonly string[]; readonly describe: string }[];
  readonly options: readonly CompletionOption[];
  /** How to complete a word that is not an option: a file name, a command (`help …`), or nothing. */
  readonly positional: 'files' | 'commands' | 'none';
}

/** A value its description calls a file, trace, log or script is a path. */
const FILE_WORDS = /\b(file|trace|log|script)s?\b/i;

/** The value completion of an option, from what its definition says about it. */
export function valueKind(o: OptionInfo): ValueKind {
  if (o.type === 'boolean' || o.type === 'count') return { kind: 'flag' };
  if (o.choices.length > 0) return { kind: 'choices', choices: o.choices };
  if (o.type === 'number') return o.required && /^key reference\b/i.test(o.describe) ? { kind: 'key-refs' } : { kind: 'none' };
  if (o.name === 'reader' || /\breader\b/i.test(o.describe)) return { kind: 'readers' };
  if (/\benvironment variable\b/i.test(o.describe)) return { kind: 'env' };
  return FILE_WORDS.test(o.describe) ? { kind: 'files' } : { kind: 'none' };
}

function flagsOf(o: OptionInfo): string[] {
  const flag = (n: string): string => (n.length === 1 ? `-${n}` : `--${n}`);
  const flags = [o.name, ...o.aliases].map(flag);
  if (o.type === 'boolean' && o.default === true) flags.push(`--no-${o.name}`);
  return flags;
}

function completionOptions(list: readonly OptionInfo[]): CompletionOption[] {
  return list.map((o) => ({ flags: flagsOf(o), describe: o.describe, value: valueKind(o) }));
}

const HELP: CompletionOption = { flags: ['--help', '-h'], describe: 'show help', value: { kind: 'flag' } };
const VERSION: CompletionOption = { flags: ['--version'], describe: "show schsm's version", value: { kind: 'flag' } };

/** A positional names a command when it is called "command" (`help keys generate`). */
function positionalKind(c: CommandInfo): CompletionNode['positional'] {
  const first = c.positionals[0];
  if (first?.name === 'command') return 'commands';
  return first?.type === 'string' && FILE_WORDS.test(first.describe) ? 'files' : 'none';
}

/** Every node of the command tree, the root first. */
export function completionNodes(tree: CommandTree): CompletionNode[] {
  const globals = completionOptions(tree.globals);
  const child = (c: CommandInfo) => ({ name: c.path[c.path.length - 1] ?? '', aliases: c.aliases, describe: c.describe });
  const nodes: CompletionNode[] = [
    { path: '', children: tree.commands.map(child), options: [...globals, HELP, VERSION], positional: 'none' },
  ];
  const walk = (c: CommandInfo): void => {
    const own = c.subcommands.length === 0 ? completionOptions(c.options) : [];
    nodes.push({
      path: c.path.join(' '),
      children: c.subcommands.map(child),
      options: [...own, ...globals, HELP],
      positional: c.subcommands.length === 0 ? positionalKind(c) : 'none',
    });
    c.subcommands.forEach(walk);
  };
  tree.commands.forEach(walk);
  return nodes;
}

/** Options that take a value (the word after them is not a command). */
export function valuedFlags(node: CompletionNode): string[] {
  return node.options.filter((o) => o.value.kind !== 'flag').flatMap((o) => o.flags.filter((f) => !f.startsWith('--no-')));
}
