/** The shell's own commands: `help [pattern]`, `echo`, `debug [level]`, `quit|exit`. */
import { createDebug } from '../../transport/debug-log.ts';
import { arity, parseArgs, parseNumber } from '../args.ts';
import { completeWords } from '../complete.ts';
import type { ExplorerSession } from '../session.ts';
import { namesStartingWith } from '../table.ts';
import type { ExplorerCommand } from '../types.ts';

function synopsis(c: ExplorerCommand): string {
  const names = [c.name, ...(c.aliases ?? [])].join('|');
  return `${names}${c.args === '' ? '' : ` ${c.args}`}`;
}

function printHelp(session: ExplorerSession, list: readonly ExplorerCommand[], detailed: boolean): void {
  const width = Math.min(44, Math.max(...list.map((c) => synopsis(c).length)));
  for (const c of list) {
    const syn = synopsis(c);
    session.print(`  ${session.style.bold(syn.padEnd(width))}  ${syn.length > width ? `\n  ${' '.repeat(width)}  ` : ''}${c.help}`);
    if (detailed) for (const d of c.details ?? []) session.print(`  ${' '.repeat(width)}    ${session.style.dim(d)}`);
  }
}

export const help: ExplorerCommand = {
  name: 'help',
  args: '[pattern]',
  help: 'list the commands, or those matching a pattern (with details)',
  complete: (session, i, partial) => (i === 0 ? namesStartingWith(session.commands, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 1, 'help [pattern]');
    const pattern = args.positional[0]?.toLowerCase();
    const list =
      pattern === undefined
        ? session.commands
        : session.commands.filter(
            (c) => [c.name, ...(c.aliases ?? [])].some((n) => n.includes(pattern)) || c.help.toLowerCase().includes(pattern),
          );
    if (list.length === 0) {
      session.print(`no command matches ${JSON.stringify(pattern)}`);
      return;
    }
    if (pattern === undefined) session.print('Commands (any unique prefix works, e.g. `ve` for verify):');
    printHelp(session, list, pattern !== undefined);
  },
};

export const echo: ExplorerCommand = {
  name: 'echo',
  args: '[text…]',
  help: 'print the words given',
  async run(session, tokens) {
    session.print(tokens.map((t) => t.text).join(' '));
  },
};

const LEVELS = ['0: quiet', '1: every APDU, annotated (PINs masked)', "2: also the library's own log (schsm:*) and stack traces"];

export const debug: ExplorerCommand = {
  name: 'debug',
  args: '[level]',
  help: 'show or set the debug level (0 off, 1 annotated APDUs, 2 also library logs)',
  complete: (_s, i, partial) => (i === 0 ? completeWords(['0', '1', '2'], partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 1, 'debug [level]');
    const text = args.positional[0];
    if (text === undefined) {
      session.print(`Current debug level is ${session.debugLevel} (${LEVELS[Math.min(session.debugLevel, 2)] ?? ''})`);
      return;
    }
    session.debugLevel = parseNumber(text, 'debug level', 0, 9);
    if (session.debugLevel >= 2) createDebug.enable('schsm:*,-schsm:transport');
    else createDebug.disable();
    session.print(`Debug level set to ${session.debugLevel} (${LEVELS[Math.min(session.debugLevel, 2)] ?? ''})`);
  },
};

export const quit: ExplorerCommand = {
  name: 'quit',
  aliases: ['exit'],
  args: '',
  help: 'leave the explorer (Ctrl-D does too)',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'quit');
    session.quitRequested = true;
  },
};
