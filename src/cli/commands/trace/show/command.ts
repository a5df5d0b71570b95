import { defineCommand } from '../../../command.ts';
import { FORMAT_CHOICES } from '../formats.ts';

/** `schsm trace show FILE [--json]`: every exchange annotated. */
export const traceShowCommand = defineCommand({
  command: 'show <file>',
  describe: 'annotate a trace or log: instruction, class, P1/P2, lengths, decoded data, status word, timing',
  needsCard: false,
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, description: 'a schsm trace or any importable log' })
      .option('format', { choices: FORMAT_CHOICES, description: "the log's format, when detection guesses wrong" })
      .example('schsm trace show session.trace', 'one block per exchange')
      .example('schsm trace show opensc-debug.log --json', 'the annotations as JSON (kind: exchange | reset)')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runTraceShow(args, ctx),
});
