/**
 * The command tree as shell functions that bash and zsh both read (`case` tables, POSIX syntax):
 *   _schsm_node PATH WORD        the path after WORD when WORD is a subcommand (or alias) of PATH
 *   _schsm_children PATH         subcommand names of PATH
 *   _schsm_options PATH          option flags of PATH (global ones included)
 *   _schsm_valued PATH           the flags of PATH that take a value
 *   _schsm_value PATH FLAG       how to complete FLAG's value: @readers, @key-refs, @env, @files, @none or the choices
 *   _schsm_positional PATH       @files, @commands or @none
 */
import { type CompletionNode, valuedFlags } from './spec.ts';

/** Shell code written in a String.raw template, where `\${` stands for `${` (JS would interpolate it). */
export const shell = (code: string): string => code.replace(/\\\$\{/g, '${');

/** A shell word in single quotes. */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

type Arms = readonly (readonly [patterns: readonly string[], output: string])[];

function caseFunction(name: string, comment: string, arms: Arms, subject = '"$1"'): string {
  const lines = [`# ${comment}`, `${name}() {`, `  case ${subject} in`];
  for (const [patterns, output] of arms) if (output !== '') lines.push(`    ${patterns.map(sq).join('|')}) echo ${sq(output)} ;;`);
  lines.push('  esac', '}');
  return lines.join('\n');
}

function valueWords(node: CompletionNode, flag: string): string {
  const o = node.options.find((x) => x.flags.includes(flag));
  switch (o?.value.kind) {
    case 'choices':
      return o.value.choices.join(' ');
    case 'readers':
      return '@readers';
    case 'key-refs':
      return '@key-refs';
    case 'files':
      return '@files';
    case 'env':
      return '@env';
    default:
      return '@none';
  }
}

/** The six table functions for `nodes`. */
export function shellTables(nodes: readonly CompletionNode[]): string {
  const node = caseFunction(
    '_schsm_node',
    'PATH|WORD -> the command path WORD leads to',
    nodes.flatMap((n) =>
      n.children.map((c) => [[c.name, ...c.aliases].map((w) => `${n.path}|${w}`), n.path === '' ? c.name : `${n.path} ${c.name}`] as const),
    ),
    '"$1|$2"',
  );
  const children = caseFunction(
    '_schsm_children',
    'PATH -> its subcommands (aliases included)',
    nodes.map((n) => [[n.path], n.children.flatMap((c) => [c.name, ...c.aliases]).join(' ')] as const),
  );
  const options = caseFunction(
    '_schsm_options',
    'PATH -> its options, the global ones included',
    nodes.map((n) => [[n.path], n.options.flatMap((o) => o.flags).join(' ')] as const),
  );
  const valued = caseFunction(
    '_schsm_valued',
    'PATH -> options that take a value',
    nodes.map((n) => [[n.path], valuedFlags(n).join(' ')] as const),
  );
  const value = caseFunction(
    '_schsm_value',
    "PATH|FLAG -> how to complete FLAG's value",
    nodes.flatMap((n) => valuedFlags(n).map((f) => [[`${n.path}|${f}`], valueWords(n, f)] as const)),
    '"$1|$2"',
  );
  const positional = caseFunction(
    '_schsm_positional',
    'PATH -> how to complete an argument',
    nodes.map((n) => [[n.path], `@${n.positional}`] as const),
  );
  return [node, children, options, valued, value, positional].join('\n\n');
}
