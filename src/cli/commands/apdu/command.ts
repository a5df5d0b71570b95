import { defineCommand } from '../../command.ts';
import { withAllowLastTry } from '../../pin-flags.ts';

/** `schsm apdu APDU…`: raw APDUs in the mini-language (src/apdu/script.ts), annotated. */
export const apduCommand = defineCommand({
  command: 'apdu <apdus..>',
  describe: 'send raw APDUs and show every exchange annotated (GET RESPONSE included)',
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .positional('apdus', {
        type: 'string',
        array: true,
        demandOption: true,
        description: 'APDUs: hex, or [CLA]INS[P1P2][:DATA][/LE][=SW]; "reset" resets the card',
      })
      .option('short-only', {
        type: 'boolean',
        default: false,
        description: 'short APDUs only: chain data over 255 bytes, get long responses by GET RESPONSE',
      })
      .option('yes', {
        type: 'boolean',
        default: false,
        description: 'confirm that an INITIALIZE DEVICE (80 50) among the APDUs may erase the device',
      })
      .example('schsm apdu 00A4040C0BE82B0601040181C31F0201', 'SELECT the SmartCard-HSM applet (whole APDU in hex)')
      .example('schsm apdu 00A40400:E82B0601040181C31F0201/00 0020 0081=63CX', 'SELECT, then the user-PIN status; expect 63Cx')
      .example(
        'schsm apdu 00A4040C0BE82B0601040181C31F0201 8058/0000 --short-only',
        'ENUMERATE OBJECTS with Le 00; a list over 256 bytes comes by GET RESPONSE',
      )
      .epilogue(
        [
          'APDU forms: whole APDU in hex (spaces or colons allowed), or structured [CLA]INS[P1P2][:DATA][/LE]:',
          '1 header byte = INS, 2 = CLA INS, 3 = INS P1 P2, 4 = CLA INS P1 P2; /LE is 2 hex digits (short, 00 = 256)',
          'or 4 (extended, 0000 = 65536). Append =SW to expect a status word (x = any nibble); the default',
          'expectation is 9000 or 61xx. Exit 0 when every expectation held, 1 at the first that did not.',
          'A PIN try that could block the PIN (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER with one try',
          'left) is refused unless --allow-last-try, INITIALIZE DEVICE unless --yes (exit 4, nothing sent).',
        ].join('\n'),
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runApdu({ ...args, apdus: args.apdus.map(String) }, ctx),
});
