/**
 * A command family (`keys list|generate|…`, `dkek status|import`): the first word picks the
 * subcommand (unique prefixes allowed); completion, word limits and time limits are the subcommand's.
 */
import { completeWords } from './complete.ts';
import { DEFAULT_TIMEOUT_MS } from './dispatch.ts';
import { UsageError } from '../transport/errors.ts';
import { resolveName } from './table.ts';
import type { Token } from './tokenize.ts';
import type { ExplorerCommand, Subcommand } from './types.ts';

export function family(name: string, help: string, subs: readonly Subcommand[]): ExplorerCommand {
  const pick = (args: readonly Token[]): Subcommand | undefined => {
    const word = args[0]?.text;
    if (word === undefined) return undefined;
    try {
      return resolveName(subs, word, `${name} subcommand`);
    } catch {
      return undefined;
    }
  };
  return {
    name,
    args: `${subs.map((s) => s.name).join('|')} …`,
    help,
    details: subs.map((s) => `${name} ${s.name}${s.args === '' ? '' : ` ${s.args}`}  —  ${s.help}`),
    timeoutMs: (args) => pick(args)?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    complete(session, index, partial, before) {
      if (index === 0)
        return completeWords(
          subs.map((s) => s.name),
          partial,
        );
      return pick(before)?.complete?.(session, index - 1, partial, before.slice(1)) ?? [];
    },
    maxWords(args) {
      const max = pick(args)?.maxWords;
      return max === undefined ? undefined : max + 1;
    },
    async run(session, args) {
      const word = args[0]?.text;
      if (word === undefined)
        throw new UsageError(`${name} needs a subcommand`, `${name} ${subs.map((s) => s.name).join('|')} (\`help ${name}\` explains them)`);
      await resolveName(subs, word, `${name} subcommand`).run(session, args.slice(1));
    },
  };
}
