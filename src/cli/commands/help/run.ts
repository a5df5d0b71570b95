import { UsageError } from '../../../transport/errors.ts';
import type { CommandDef } from '../../command.ts';
import { COMMANDS } from '../index.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';

export interface HelpArgs {
  readonly command?: readonly (string | number)[] | undefined;
}

const nameOf = (d: CommandDef): string => d.command.split(' ')[0] ?? d.command;

/** The definition `words` name (aliases allowed); a usage error naming the first unknown word. */
function find(words: readonly string[]): { def: CommandDef; path: string[] } {
  let defs: readonly CommandDef[] = COMMANDS;
  let def: CommandDef | undefined;
  const path: string[] = [];
  for (const w of words) {
    def = defs.find((d) => nameOf(d) === w || (d.aliases ?? []).includes(w));
    if (def === undefined) {
      const known = defs.map(nameOf).join(', ');
      throw new UsageError(`no command "${[...path, w].join(' ')}"`, `commands${path.length > 0 ? ` of ${path.join(' ')}` : ''}: ${known}`);
    }
    path.push(nameOf(def));
    defs = def.subcommands ?? [];
  }
  if (def === undefined) throw new UsageError('name a command');
  return { def, path };
}

/** What `--help` shows for a command; for a group, the group's and then each subcommand's. */
export async function runHelp(args: HelpArgs, ctx: CliContext): Promise<number> {
  const words = (args.command ?? []).map(String);
  const { runCli } = await import('../../main.ts');
  if (words.length === 0) return runCli(['--help'], ctx);
  const { def, path } = find(words);
  const paths = [path, ...(def.subcommands ?? []).map((s) => [...path, nameOf(s)])];
  for (const [i, p] of paths.entries()) {
    if (i > 0) line(ctx.stdout, `\n${'-'.repeat(8)} schsm ${p.join(' ')} ${'-'.repeat(8)}\n`);
    const code = await runCli([...p, '--help'], ctx);
    if (code !== EXIT.OK) return code;
  }
  return EXIT.OK;
}
