import { defineCommand } from '../../../command.ts';

/** `schsm trace diff A B [--json]`: exit 0 when the sessions match, 1 when they differ. */
export const traceDiffCommand = defineCommand({
  command: 'diff <a> <b>',
  describe: 'where two sessions diverge (aligned on commands, masks respected, timing ignored); exit 1 when they differ',
  needsCard: false,
  builder: (y) =>
    y
      .positional('a', { type: 'string', demandOption: true, description: 'first trace or log (e.g. the working reader)' })
      .positional('b', { type: 'string', demandOption: true, description: 'second trace or log (e.g. the failing reader)' })
      .example('schsm trace diff good.trace bad.trace', 'first divergence, then every later difference')
      .example('schsm trace diff opensc.log schsm.trace --json', 'the differences as JSON')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runTraceDiff(args, ctx),
});
