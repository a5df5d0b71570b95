import { createChannel, type Channel } from '../../../apdu/channel.ts';
import { toHex } from '../../../apdu/hex.ts';
import type { ResponseApdu } from '../../../apdu/response.ts';
import type { CardSession } from '../../../card/session.ts';
import { commandOfApdu, type ParsedApdu } from '../../../apdu/script.ts';
import { observeTransport } from '../../../transport/observe.ts';
import { ExchangeRedactor, redactedCommandHex } from '../../../transport/redact.ts';
import type { Transport } from '../../../transport/transport.ts';
import { cardSource, type GlobalArgs } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { noteChoice } from '../../device-choice.ts';
import { exchangeJson, renderExchange, type ExchangeJson } from './render.ts';

// Imported when used, not with this module: the secure channel (chip authentication, its CVC checks and
// the known roots, secure messaging), naming the device (the card layer) and the several-cards refusal
// (PC/SC). A plain `schsm apdu` needs none of them, and loading them was a fifth of its start-up
// (issue 11 item 3).

/** Options shared by `schsm apdu` and `schsm run`. */
export type ApduArgs = Partial<GlobalArgs> & {
  readonly simState?: string | undefined;
  readonly shortOnly?: boolean | undefined;
  readonly secureChannel?: boolean | undefined;
  /** --allow-last-try: the channel's guard lets a PIN try through that could block the PIN. */
  readonly allowLastTry?: boolean | undefined;
  /** --yes: INITIALIZE DEVICE (80 50) may erase the device. */
  readonly yes?: boolean | undefined;
};

/**
 * An open card for raw APDUs: every exchange on the wire (GET RESPONSE and 6Cxx re-sends included)
 * is printed as it happens, or collected for `--json`. Raw APDUs go through the channel's safety guard
 * like every other command (apdu/guard.ts): a PIN try that could block a PIN needs --allow-last-try,
 * INITIALIZE DEVICE needs --yes; the guard's status query shows up as an exchange of its own.
 */
export interface ApduSession {
  readonly transport: Transport;
  /** Exchanges so far (for --json). */
  readonly exchanges: ExchangeJson[];
  send(apdu: ParsedApdu): Promise<ResponseApdu>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Open the card: with `critical` APDUs (a PIN try, an erase) never guess among several cards. */
async function openCard(args: ApduArgs, ctx: CliContext, critical: boolean): Promise<Transport> {
  const source = cardSource(args);
  try {
    return await ctx.openTransport({ ...source, ...(critical ? { requireUniqueCard: true } : { onChoice: noteChoice(ctx) }) });
  } catch (err) {
    const { AmbiguousCardError } = await import('../../../transport/pcsc.ts');
    if (err instanceof AmbiguousCardError) throw await (await import('../../device.ts')).listCandidates(ctx, source, err);
    throw err;
  }
}

/**
 * `critical`: some of the APDUs can spend a PIN try or erase the device (apdu/guard.ts
 * isGuardedCommand); then the card is never guessed and is named (serial, label) before anything else.
 */
export async function openApduSession(args: ApduArgs, ctx: CliContext, critical = false): Promise<ApduSession> {
  const json = args.json === true;
  const show = args.redact === false;
  const redactor = new ExchangeRedactor();
  const exchanges: ExchangeJson[] = [];
  const inner = await openCard(args, ctx, critical);
  const transport = observeTransport(inner, (command, response, micros) => {
    const found = redactor.next(command, response);
    const secrets = show ? { command: [], response: [] } : found;
    if (json) exchanges.push(exchangeJson(command, response, micros, secrets));
    else for (const l of renderExchange(command, response, micros, secrets)) line(ctx.stdout, l);
  });
  if (critical) {
    const { announceRawDevice } = await import('../../device.ts');
    await announceRawDevice(ctx, transport).catch(async (err: unknown) => {
      await transport.close();
      throw err;
    });
  }
  const guard = { ...(args.allowLastTry === true ? { allowLastTry: true } : {}), ...(args.yes === true ? { confirmErase: true } : {}) };
  const channel: Channel = createChannel(transport, { shortOnly: args.shortOnly === true, guard });
  if (args.secureChannel === true || args['secure-channel'] === true) {
    try {
      await openRawSecureChannel(channel, args, (text) => (json ? undefined : line(ctx.stdout, text)));
    } catch (error) {
      await transport.close();
      throw error;
    }
  }
  return {
    transport,
    exchanges,
    async send(apdu) {
      const cmd = commandOfApdu(apdu);
      if (cmd !== undefined) return channel.send(cmd);
      line(
        ctx.stderr,
        `warning: ${show ? toHex(apdu.bytes, ' ') : redactedCommandHex(apdu.bytes, ' ')} is not a well-formed ISO 7816-4 APDU (its length bytes do not match); sending it as given, without GET RESPONSE or chaining`,
      );
      return channel.sendRaw(apdu.bytes);
    },
    async reset() {
      await transport.reset();
      if (!json) line(ctx.stdout, `reset  ATR ${toHex(transport.atr, ' ')}`);
    },
    close: () => transport.close(),
  };
}

/**
 * `--secure-channel` for raw APDUs: SELECT the applet and run chip authentication in plain, then every
 * APDU the user gives is protected on the wire; the plain one inside is printed (PINs masked unless
 * --no-redact) before the protected exchange, its plain answer after.
 */
async function openRawSecureChannel(channel: Channel, args: ApduArgs, print: (text: string) => void): Promise<void> {
  const [{ createSecureMessaging }, { selectApplet }, { performChipAuthentication }, { EXTENDED_LIMITS, SHORT_LIMITS, exchange }, sm] =
    await Promise.all([
      import('../../../apdu/sm/layer.ts'),
      import('../../../card/commands/select-applet.ts'),
      import('../../../card/secure-messaging/chip-authentication.ts'),
      import('../../../card/session.ts'),
      import('../../../trace/sm-annotate.ts'),
    ]);
  const limits = args.shortOnly === true ? SHORT_LIMITS : EXTENDED_LIMITS;
  const session: CardSession = { transport: channel.transport, limits, send: (cmd, o) => exchange(channel, cmd, o) };
  await selectApplet(session);
  const ca = await performChipAuthentication(session);
  const options = { redact: args.redact !== false };
  const observer = {
    command: (plain: Uint8Array) => print(sm.formatPlainCommand(plain, options)),
    response: (plain: Uint8Array, res: Uint8Array) => print(sm.formatPlainResponse(plain, res, options)),
  };
  channel.secureMessaging = createSecureMessaging(ca.keys, { protocol: ca.protocol, observer });
  print(`secure channel open (${ca.protocol}): ${ca.chain.summary}`);
}
