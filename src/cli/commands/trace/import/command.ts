import { defineCommand } from '../../../command.ts';
import { FORMAT_CHOICES } from '../formats.ts';

/** `schsm trace import FILE [-o OUT]`: any supported log → schsm trace, secrets masked. */
export const traceImportCommand = defineCommand({
  command: 'import <file>',
  describe: 'convert an OpenSC debug log, pcsc-spy or scriptor output (or a schsm/Ledger trace) into a schsm trace, secrets masked',
  needsCard: false,
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, description: 'the log to import (format detected)' })
      .option('out', {
        alias: 'o',
        type: 'string',
        description: 'write the trace to this file (mode 0600; never overwritten without --force); default or -: stdout',
      })
      .option('format', { choices: FORMAT_CHOICES, description: "the log's format, when detection guesses wrong" })
      .option('redact-unwrap', { type: 'boolean', default: false, description: 'also mask UNWRAP KEY blobs and their EF 2F10 writes' })
      .example('schsm trace import opensc-debug.log -o session.trace', 'PINs, SO-PINs, DKEK shares and card random shown as ..')
      .example('schsm trace import pcsc-spy.txt', 'print the trace')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runTraceImport(args, ctx),
});
