import { defineCommand } from '../../command.ts';

/** `schsm help [COMMAND…]`: the full reference of a command (what the man page says about it). */
export const helpCommand = defineCommand({
  command: 'help [command..]',
  describe: 'the full reference of a command: usage, options, examples (a group: each of its subcommands)',
  needsCard: false,
  builder: (y) =>
    y
      .positional('command', { type: 'string', array: true, description: 'the command, e.g. keys generate' })
      .example('schsm help keys generate', 'everything about key generation')
      .example('schsm help keys', 'every keys subcommand')
      .example('man schsm', 'all commands (installed by npm install -g)')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runHelp(args, ctx),
});
