import { defineCommand } from '../../command.ts';

/**
 * `schsm sim [--port N] [--state FILE]`: serve the SmartCard-HSM simulator to the local pcscd as a
 * virtual card (vsmartcard vpcd), so OpenSC tools and any PC/SC client see it in the reader that
 * pcscd's reader.conf gives that port ("Virtual PCD 00 00" for 35963 on Debian).
 */
export const simCommand = defineCommand({
  command: 'sim',
  describe: 'serve the simulated SmartCard-HSM to pcscd through vpcd until Ctrl-C',
  needsCard: false,
  builder: (y) =>
    y
      .option('port', {
        type: 'number',
        default: 35963,
        description:
          'vpcd port, any port a vpcd entry of reader.conf (/etc/reader.conf.d/*) listens on; the reader is named from reader.conf and pcscd (Debian: 35963 = "Virtual PCD 00 00", 35964 = "Virtual PCD 00 01")',
      })
      .option('state', {
        type: 'string',
        description: 'keep the card in this file (created if missing, saved after every change, mode 0600)',
      })
      .example('schsm sim', 'a fresh, uninitialised card in reader "Virtual PCD 00 00" for as long as it runs')
      .example('schsm sim --port 35964 --state card.json', 'a persistent card in "Virtual PCD 00 01"')
      .example(
        'schsm sim -vv --record card-side.trace',
        "log every APDU the card receives and its answer, and record the card's side (redacted)",
      )
      .strict(),
  handler: async (args, ctx) => {
    const { runSim } = await import('./run.ts');
    return runSim(
      {
        port: args.port,
        ...(args.state === undefined ? {} : { state: args.state }),
        ...(args.record === undefined ? {} : { record: args.record }),
        ...(args.force ? { force: true } : {}),
        ...(args.redact === false ? { redact: false } : {}),
      },
      ctx,
    );
  },
});
