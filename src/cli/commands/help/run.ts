import type { CommandDef } from '../../command.ts';
import { commandWords, findCommandTypo, typoMessage } from '../../command-typo.ts';
import { COMMANDS } from '../index.ts';
import { line, type CliContext } from '../../context.ts';
import { reportUsage } from '../../error-report.ts';
import { EXIT } from '../../exit-codes.ts';

export interface HelpArgs {
  readonly command?: readonly (string | number)[] | undefined;
  readonly json?: boolean | undefined;
}

const nameOf = (d: CommandDef): string => d.command.split(' ')[0] ?? d.command;

/** The definition `words` name (aliases allowed), or undefined when a word names no command. */
function find(words: readonly string[]): { def: CommandDef; path: string[] } | undefined {
  let defs: readonly CommandDef[] = COMMANDS;
  let def: CommandDef | undefined;
  const path: string[] = [];
  for (const w of words) {
    def = defs.find((d) => nameOf(d) === w || (d.aliases ?? []).includes(w));
    if (def === undefined) return undefined;
    path.push(nameOf(def));
    defs = def.subcommands ?? [];
  }
  return def === undefined ? undefined : { def, path };
}

/**
 * `schsm help kyes` / `schsm help keys generat`: the same one line as the mistyped command itself
 * (`schsm kyes`), with the closest name and where help is, exit 2.
 */
function reportUnknown(words: readonly string[], ctx: CliContext, json: boolean): number {
  const typo = findCommandTypo(words, COMMANDS);
  if (typo !== undefined)
    return reportUsage(ctx, typoMessage(typo), `schsm ${typo.path === '' ? '' : `${typo.path} `}--help lists them`, json);
  // more words than commands: `schsm help keys list extra`
  const path = commandWords(words, COMMANDS).path.join(' ');
  return reportUsage(ctx, `schsm ${path} has no subcommands`, `see schsm help ${path}`, json);
}

/** What `--help` shows for a command; for a group, the group's and then each subcommand's. */
export async function runHelp(args: HelpArgs, ctx: CliContext): Promise<number> {
  const words = (args.command ?? []).map(String);
  const { runCli } = await import('../../main.ts');
  if (words.length === 0) return runCli(['--help'], ctx);
  const found = find(words);
  if (found === undefined) return reportUnknown(words, ctx, args.json === true);
  const { def, path } = found;
  const paths = [path, ...(def.subcommands ?? []).map((s) => [...path, nameOf(s)])];
  for (const [i, p] of paths.entries()) {
    if (i > 0) line(ctx.stdout, `\n${'-'.repeat(8)} schsm ${p.join(' ')} ${'-'.repeat(8)}\n`);
    const code = await runCli([...p, '--help'], ctx);
    if (code !== EXIT.OK) return code;
  }
  return EXIT.OK;
}
