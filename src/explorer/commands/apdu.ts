/**
 * `apdu …`: send one APDU written in the mini-language of src/apdu/script.ts — whole-APDU hex
 * (`00 84 00 00 08`), hexdump (`00:84:00:00:08`) or structured `[CLA]INS[P1P2][:DATA][/LE][=SW]`
 * (`84/08`, `80 58/0000`, `00A4040C:E82B0601040181C31F0201=9000`). 61xx is answered with GET
 * RESPONSE by the channel. Without `=SW` anything but 9000/61xx counts as a failure (a script stops).
 * PINs and shares in the APDU are masked in the echo, and such a line never enters the history, a
 * trace comment or a log (line-filter.ts). Like every command it passes the channel's safety guard
 * (apdu/guard.ts): a PIN try that could block the PIN needs `--allow-last-try`, INITIALIZE DEVICE
 * (80 50) needs `--yes`.
 */
import { hexdump, toHex } from '../../apdu/hex.ts';
import type { ResponseApdu } from '../../apdu/response.ts';
import { commandOfApdu, parseApduText, swMatches, type ParsedApdu } from '../../apdu/script.ts';
import { describeStatusWord, formatSw } from '../../apdu/status-words.ts';
import { redactedCommandHex } from '../../transport/redact.ts';
import { SchsmError, UsageError } from '../../transport/errors.ts';
import type { GuardPolicy } from '../../apdu/guard.ts';
import { isOptionWord, parseArgs } from '../args.ts';
import type { SmartCardHsm } from '../../card/sc-hsm.ts';
import type { ExplorerCommand } from '../types.ts';
import type { Token } from '../tokenize.ts';

/** The status word was not the expected one (or not success without an expectation). */
export class ApduStatusError extends SchsmError {
  override name = 'ApduStatusError';
  readonly sw: number;
  constructor(sw: number, expected: string) {
    super(`the card answered ${formatSw(sw)} (${describeStatusWord(sw).meaning}), expected ${expected}`, 'ERR_SCHSM_EXPECTATION', {
      hint: 'add =SW to the APDU to expect another status word, e.g. =6A82 or =63Cx',
    });
    this.sw = sw;
  }
}

const OPTIONS = { 'allow-last-try': 'boolean', yes: 'boolean' } as const;

/** The APDU (the words that are no option) and what the line allows the guard. */
function parse(tokens: readonly Token[]): { apdu: ParsedApdu; policy: GuardPolicy } {
  const options = parseArgs(
    tokens.filter((t) => isOptionWord(t)),
    OPTIONS,
  );
  const words = tokens.filter((t) => !isOptionWord(t));
  if (words.length === 0) throw new UsageError('missing APDU', 'usage: apdu HEX… (e.g. apdu 00 84 00 00 08, apdu 84/08, apdu 8058/0000)');
  const policy = {
    ...(options.flags.has('allow-last-try') ? { allowLastTry: true } : {}),
    ...(options.flags.has('yes') ? { confirmErase: true } : {}),
  };
  return { apdu: parseApduText(words.map((t) => t.text).join(' ')), policy };
}

/** Send through the channel, verbatim when the bytes are no well-formed APDU; the guard sees both. */
async function exchange(card: SmartCardHsm, apdu: ParsedApdu, policy: GuardPolicy): Promise<ResponseApdu> {
  const cmd = commandOfApdu(apdu);
  if (cmd === undefined) return card.sendRaw(apdu.bytes, policy);
  return card.send(cmd, { raw: true, operation: 'apdu', ...policy });
}

export const apdu: ExplorerCommand = {
  name: 'apdu',
  args: 'APDU [--allow-last-try] [--yes]',
  help: 'send an APDU: hex, hexdump or [CLA]INS[P1P2][:DATA][/LE][=SW]',
  details: [
    'apdu 00 84 00 00 08          GET CHALLENGE, 8 bytes',
    'apdu 8058/0000               ENUMERATE OBJECTS (extended Le)',
    'apdu 00A4000C02DEAD=6A82     expect "file not found"',
    'apdu 0020008106… --allow-last-try   a VERIFY even on the last try (it may block the PIN)',
  ],
  async run(session, tokens) {
    const { apdu: parsed, policy } = parse(tokens);
    const card = await session.card();
    session.print(`Sending: ${session.showSecrets ? toHex(parsed.bytes, ' ') : redactedCommandHex(parsed.bytes, ' ')}`);
    const res = await exchange(card, parsed, policy);
    const info = describeStatusWord(res.sw);
    session.print(`Received (SW1=0x${formatSw(res.sw).slice(0, 2)}, SW2=0x${formatSw(res.sw).slice(2)}): ${info.name}, ${info.meaning}`);
    if (res.data.length > 0) session.print(hexdump(res.data));
    if (!swMatches(res.sw, parsed.expect)) throw new ApduStatusError(res.sw, parsed.expect?.text ?? '9000 or 61xx');
  },
};
