/** The SmartCard-HSM explorer (`schsm explore`): an opensc-explorer-style shell over the card layer. */
export { runExplorer, type ExplorerOptions } from './explorer.ts';
export { ExplorerSession, type ExplorerIo, type Prompter, type CurrentDf, type ReaderEntry } from './session.ts';
export { COMMANDS } from './commands/index.ts';
export { executeLine, formatError, parseLine, Runner, DEFAULT_TIMEOUT_MS } from './dispatch.ts';
export { runScript } from './script.ts';
export { defaultHistoryFile, historyLine, stateDir } from './history.ts';
export { tokenize, type Token } from './tokenize.ts';
export { completeLine } from './complete.ts';
export { colorWanted } from './style.ts';
export * from './errors.ts';
export type { ExplorerCommand, Subcommand } from './types.ts';
