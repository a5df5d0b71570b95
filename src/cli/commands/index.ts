import type { CommandDef } from '../command.ts';

/** Every top-level command, in the order `schsm --help` lists them. */
export const COMMANDS: readonly CommandDef[] = [];
