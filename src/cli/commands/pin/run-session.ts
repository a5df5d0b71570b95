import { toHex } from '../../../apdu/hex.ts';
import { generateSessionPin } from '../../../card/commands/generate-session-pin.ts';
import { OPTION } from '../../../card/constants.ts';
import { SecureChannelError } from '../../../card/secure-messaging/errors.ts';
import { plainAnnotations } from '../../../trace/sm-annotate.ts';
import { cardSource } from '../../command.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, STDIO, writeSecretFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { askUserPin, verifyUserPin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';

export type SessionPinArgs = CardArgs & PinArgs & { readonly out: string };

/**
 * `schsm pin session -o FILE`: open a secure channel (unless --secure-channel already did), VERIFY the
 * user PIN inside it, GENERATE SESSION PIN `80 5A 01 81 00` (§3.21) and write the session PIN as hex
 * to FILE (mode 0600, never over an existing file without --force). It is never printed.
 */
export async function runPinSession(args: SessionPinArgs, ctx: CliContext): Promise<number> {
  if (args.out === STDIO)
    throw new UsageError('the session PIN is never printed: -o - (stdout) is refused', 'name a file; it is written with mode 0600');
  await checkWritable(ctx, args.out, args.force === true);
  const sessionPin = await withDevice(args, ctx, async (card) => {
    if (((card.applet.options ?? 0) & OPTION.SESSION_PIN) === 0)
      throw new SecureChannelError(
        'this device was initialised without the session-PIN option (0x0004): the card does not issue session PINs',
        'initialise it with the option set (schsm init --session-pin) or use the user PIN',
      );
    if (card.secureChannel === undefined) {
      const source = cardSource(args);
      await card.openSecureChannel({ observer: plainAnnotations(card.transport, { redact: source.noRedact !== true }) });
    }
    const pin = await askUserPin(card, new SecretReader(ctx), args);
    return card.exclusive(async () => {
      await verifyUserPin(card, pin, args);
      return generateSessionPin(card);
    });
  });
  try {
    await writeSecretFile(ctx, args.out, new TextEncoder().encode(`${toHex(sessionPin)}\n`), args.force === true);
  } finally {
    sessionPin.fill(0);
  }
  if (args.json === true) printJson(ctx, { file: args.out, bytes: sessionPin.length });
  else line(ctx.stdout, `session PIN (${sessionPin.length} bytes) written to ${args.out} (mode 0600); valid until the card is reset`);
  return EXIT.OK;
}
