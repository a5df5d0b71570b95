import { defineCommand } from '../../command.ts';
import { withAllowLastTry } from '../../pin-flags.ts';

/** `schsm run FILE.apdu`: run an APDU script (scriptor-compatible lines plus the mini-language). */
export const runCommand = defineCommand({
  command: 'run <file>',
  describe: 'run an APDU script (.apdu): stop at the first unmet expectation, naming file:line',
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .positional('file', { type: 'string', demandOption: true, description: 'the .apdu script' })
      .option('short-only', {
        type: 'boolean',
        default: false,
        description: 'short APDUs only: chain data over 255 bytes, get long responses by GET RESPONSE',
      })
      .option('yes', {
        type: 'boolean',
        default: false,
        description: 'confirm that an INITIALIZE DEVICE (80 50) in the script may erase the device',
      })
      .example('schsm run apdu/select.apdu', 'select the SmartCard-HSM applet and check the answer')
      .example('schsm run apdu/pin/status.apdu --reader sim', 'the same against the built-in simulator')
      .epilogue(
        'Script lines: one APDU per line (hex, or [CLA]INS[P1P2][:DATA][/LE]), optional =SW expectation, # comments,\na trailing \\ continues a line, "reset" resets the card, "exit" ends the script.\nA PIN try that could block the PIN is refused unless --allow-last-try, INITIALIZE DEVICE unless --yes:\nthe run stops there with exit 4 naming file:line.',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runScript({ ...args, file: String(args.file) }, ctx),
});
