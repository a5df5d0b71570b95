/**
 * The command tree as data, read from the same definitions that yargs turns into `--help`: each
 * command's builder runs against a fresh yargs instance and the options it declared are read back
 * (yargs' getOptions), with its examples, positionals and epilogue noted as the builder adds them.
 * Shell completion, the man page and README's command table are rendered from this, so a command or
 * option added to a definition appears in all of them without another list to maintain.
 */
import yargs, { type Argv } from 'yargs';
import type { CommandDef, GlobalArgs } from '../command.ts';
import { COMMANDS } from '../commands/index.ts';
import { globalOptions } from '../main.ts';

export type OptionType = 'boolean' | 'count' | 'number' | 'string' | 'array';

export interface OptionInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: OptionType;
  readonly describe: string;
  readonly default?: unknown;
  readonly choices: readonly string[];
  readonly required: boolean;
}

export interface PositionalInfo {
  readonly name: string;
  readonly required: boolean;
  /** `<apdus..>`: any number of values. */
  readonly variadic: boolean;
  readonly describe: string;
  readonly type: OptionType;
}

export interface CommandInfo {
  /** Command words after `schsm` ("keys", "generate"). */
  readonly path: readonly string[];
  /** The usage line: `schsm random <bytes>`. */
  readonly usage: string;
  readonly describe: string;
  readonly aliases: readonly string[];
  readonly positionals: readonly PositionalInfo[];
  /** The command's own options (the global ones are in CommandTree.globals). */
  readonly options: readonly OptionInfo[];
  readonly examples: readonly (readonly [string, string])[];
  readonly epilogue: string;
  /** Subcommands of a group (`schsm keys …`); empty for a command that does the work itself. */
  readonly subcommands: readonly CommandInfo[];
}

export interface CommandTree {
  readonly globals: readonly OptionInfo[];
  readonly commands: readonly CommandInfo[];
}

/** What yargs' getOptions() returns, as far as it is read here. */
interface YargsOptions {
  readonly key: Record<string, boolean>;
  readonly alias: Record<string, string[]>;
  readonly boolean: string[];
  readonly count: string[];
  readonly number: string[];
  readonly array: string[];
  readonly default: Record<string, unknown>;
  readonly choices: Record<string, unknown[]>;
  readonly demandedOptions: Record<string, unknown>;
  readonly hiddenOptions: string[];
}

interface Introspectable {
  getOptions(): YargsOptions;
  getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string | undefined> } };
}

interface PositionalOptions {
  readonly type?: string;
  readonly description?: string;
  readonly describe?: string;
}

interface Noted {
  examples: [string, string][];
  positionals: Map<string, PositionalOptions>;
  epilogue: string[];
}

/** A yargs instance with the global options whose example/positional/epilogue calls are noted. */
function noting(noted: Noted): Argv<GlobalArgs> {
  const y = globalOptions(yargs([]));
  const patch = y as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = { example: y.example.bind(y), epilogue: y.epilogue.bind(y) };
  patch.example = (cmd: unknown, text: unknown) => {
    noted.examples.push([String(cmd), String(text ?? '')]);
    return original.example(String(cmd), String(text ?? ''));
  };
  patch.positional = (name: unknown, opts: unknown) => {
    noted.positionals.set(String(name), (opts ?? {}) as PositionalOptions);
    return y;
  };
  patch.epilogue = patch.epilog = (text: unknown) => {
    noted.epilogue.push(String(text));
    return original.epilogue(String(text));
  };
  return y;
}

function typeOf(o: YargsOptions, key: string): OptionType {
  if (o.boolean.includes(key)) return 'boolean';
  if (o.count.includes(key)) return 'count';
  if (o.number.includes(key)) return 'number';
  if (o.array.includes(key)) return 'array';
  return 'string';
}

/** Options declared on `y`, except yargs' own help/version and those named in `skip`. */
function optionsOf(y: Argv<unknown>, skip: ReadonlySet<string>): OptionInfo[] {
  const i = y as unknown as Introspectable;
  const o = i.getOptions();
  const descriptions = i.getInternalMethods().getUsageInstance().getDescriptions();
  const aliasNames = new Set(Object.values(o.alias).flat());
  return Object.keys(o.key)
    .filter((k) => !skip.has(k) && !aliasNames.has(k) && k !== 'help' && k !== 'version' && !o.hiddenOptions.includes(k))
    .map((name) => ({
      name,
      aliases: o.alias[name] ?? [],
      type: typeOf(o, name),
      describe: descriptions[name] ?? '',
      ...(name in o.default ? { default: o.default[name] } : {}),
      choices: (o.choices[name] ?? []).map(String),
      required: name in o.demandedOptions,
    }));
}

/** `random <bytes>` → bytes (required); `[file]` optional; `<apdus..>` variadic. */
function positionalsOf(command: string, noted: Noted): PositionalInfo[] {
  return [...command.matchAll(/([<[])([^\]>.]+)(\.\.)?[\]>]/g)].map((m) => {
    const name = m[2] ?? '';
    const opts = noted.positionals.get(name) ?? {};
    return {
      name,
      required: m[1] === '<',
      variadic: m[3] !== undefined,
      describe: opts.describe ?? opts.description ?? '',
      type: opts.type === 'number' ? 'number' : 'string',
    };
  });
}

function describeCommand(def: CommandDef, parent: readonly string[], globals: ReadonlySet<string>): CommandInfo {
  const words = def.command.split(' ');
  const path = [...parent, words[0] ?? def.command];
  const noted: Noted = { examples: [], positionals: new Map(), epilogue: [] };
  const y = def.builder(noting(noted));
  const positionals = positionalsOf(def.command, noted);
  const skip = new Set([...globals, ...positionals.map((p) => p.name)]);
  return {
    path,
    usage: ['schsm', ...parent, ...words].join(' '),
    describe: def.describe,
    aliases: def.aliases ?? [],
    positionals,
    options: optionsOf(y, skip),
    examples: noted.examples,
    epilogue: noted.epilogue.join('\n'),
    subcommands: (def.subcommands ?? []).map((c) => describeCommand(c, path, globals)),
  };
}

/** Every command of `defs` (default: the CLI's), with the global options. */
export function commandTree(defs: readonly CommandDef[] = COMMANDS): CommandTree {
  const globals = optionsOf(globalOptions(yargs([])), new Set());
  const names = new Set(globals.flatMap((g) => [g.name, ...g.aliases]));
  return { globals, commands: defs.map((d) => describeCommand(d, [], names)) };
}

/** Every command that does work (the leaves), depth first, in definition order. */
export function leafCommands(tree: CommandTree): CommandInfo[] {
  const walk = (c: CommandInfo): CommandInfo[] => (c.subcommands.length === 0 ? [c] : c.subcommands.flatMap(walk));
  return tree.commands.flatMap(walk);
}
