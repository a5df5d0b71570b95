import { defineCommand } from '../../command.ts';

/** `schsm doctor`: check the PC/SC stack and the card, say what to do. */
export const doctorCommand = defineCommand({
  command: 'doctor',
  describe: 'check PC/SC, readers and cards: protocol, SmartCard-HSM version, extended APDUs, PIN state',
  needsCard: false,
  builder: (y) =>
    y
      .example('schsm doctor', 'every reader and card')
      .example('schsm doctor --reader 0 --json', 'reader 0 only, as JSON')
      .example('schsm doctor --sim', 'the card checks against the built-in simulator')
      .epilogue(
        'No PIN is tried. The checks SELECT the SmartCard-HSM applet, which ends a PIN session another application\nmay have open on that card. Exit 0: no check failed (warnings allowed); 1: a card check failed;\n3: PC/SC, a reader or a card is missing.',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runDoctor(args, ctx),
});
