import { defineCommand } from '../../../command.ts';

/** `schsm trace replay FILE -- <schsm command…>`: run any command against a recording instead of a card. */
export const traceReplayCommand = defineCommand({
  command: 'replay <file> [command..]',
  describe: 'run a schsm command against a recorded trace instead of a card; fails on the first command that differs from the recording',
  needsCard: false,
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, description: 'the trace (or any importable log) to answer from' })
      .positional('command', { type: 'string', array: true, description: 'the schsm command to run, after --' })
      .option('strict', {
        type: 'boolean',
        default: true,
        description: 'fail on a command that differs from the recording (--no-strict: answer in order anyway)',
      })
      .example('schsm trace replay fixtures/traces/sim/status.trace -- status', 'exit 0 when status sends exactly the recorded APDUs')
      .example('schsm trace replay session.trace -- keys list --json', 'any command, any options')
      .parserConfiguration({ 'populate--': true })
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runTraceReplay(args, ctx),
});
