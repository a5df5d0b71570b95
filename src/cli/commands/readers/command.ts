import { defineCommand } from '../../command.ts';

/** `schsm readers`: PC/SC readers, card presence, ATR and what it is. */
export const readersCommand = defineCommand({
  command: 'readers',
  aliases: ['list'],
  describe: 'list PC/SC readers, whether a card is inserted, its ATR and what the ATR is',
  needsCard: false,
  builder: (y) =>
    y
      .option('smartcard-list', {
        type: 'string',
        description: 'ATR list of pcsc-tools to identify other cards',
        default: '/usr/share/pcsc/smartcard_list.txt',
      })
      .example('schsm readers', 'every reader, with card and ATR')
      .example('schsm readers --json', 'the same as JSON')
      .example('schsm readers --reader 1', 'only reader 1')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runReaders(args, ctx),
});
