import { defineCommand } from '../../command.ts';

/** `schsm status`: what `sc-hsm-tool` prints without arguments, plus serial, key count and the device chain. */
export const statusCommand = defineCommand({
  command: 'status',
  describe: 'show the device: version, options, PIN/SO-PIN retries, DKEK shares and KCV, keys, device certificate chain',
  needsCard: true,
  builder: (y) =>
    y
      .option('domains', {
        type: 'boolean',
        default: false,
        description: 'also list every key domain slot with its shares and KCV (as `schsm domain list`)',
      })
      .example('schsm status', 'the card in the first reader that holds one')
      .example('schsm status --domains', 'with the key domains of a device initialised with --key-domains')
      .example('schsm status --reader "Virtual PCD 00 01" --json', 'machine-readable, from a named reader')
      .example('schsm status --sim', 'a fresh simulated card')
      .strict(),
  handler: async (args, ctx) => {
    const { runStatus } = await import('./run.ts');
    return runStatus(args, ctx);
  },
});
