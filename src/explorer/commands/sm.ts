/**
 * `sm open | close | status` — secure messaging for the rest of the explorer session (§3.21): chip
 * authentication with the device key after verifying its certificate chain, then every command
 * (including `apdu`, `verify`) is protected on the wire. The plain APDUs inside go into the trace as
 * comments, masked like the protected ones. The card binds the PIN state to the channel: `sm close`
 * (or any plain command from another program) logs the user out.
 */
import { plainAnnotations, type PlainAnnotationOptions } from '../../trace/sm-annotate.ts';
import type { PlainObserver } from '../../apdu/sm/layer.ts';
import { arity, parseArgs } from '../args.ts';
import { completeWords } from '../complete.ts';
import { UsageError } from '../../transport/errors.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

const WORDS = ['open', 'close', 'status'] as const;

/** Plain lines to whatever recording is on at the time (`trace on` may start after `sm open`), and the schsm:sm log. */
export function explorerPlainObserver(session: ExplorerSession, options: PlainAnnotationOptions = {}): PlainObserver {
  const current = (): PlainObserver => plainAnnotations(session.link.recording ?? session.link.transport, options);
  return {
    command: (plain) => current().command?.(plain),
    response: (plain, res) => current().response?.(plain, res),
  };
}

export async function openSecureChannel(session: ExplorerSession): Promise<string> {
  const card = await session.card();
  const info = await card.openSecureChannel({ observer: explorerPlainObserver(session, { redact: session.redactTraces }) });
  return `secure channel open (${info.protocol}) with ${info.device}: ${info.chain}`;
}

export const sm: ExplorerCommand = {
  name: 'sm',
  args: 'open | close | status',
  help: 'secure messaging: chip authentication with the device key, then every command protected',
  details: [
    'sm open     verify the device certificate chain, chip authentication, AES secure messaging',
    'sm close    forget the session keys; the next (plain) command ends the channel and logs the user out',
    'sm status   whether a channel is open, with which device certificate',
  ],
  complete: (_s, i, partial) => (i === 0 ? completeWords(WORDS, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 1, 'sm open | close | status');
    const word = args.positional[0] ?? 'status';
    if (word === 'open') return session.print(await openSecureChannel(session));
    const card = await session.card();
    if (word === 'close') {
      const was = card.secureChannel !== undefined;
      card.closeSecureChannel();
      return session.print(
        was ? 'secure channel closed: the next command goes in plain and the card logs the user out' : 'no secure channel was open',
      );
    }
    if (word !== 'status') throw new UsageError(`sm: unknown subcommand "${word}"`, 'use: sm open | close | status');
    const sc = card.secureChannel;
    session.print(
      sc === undefined ? 'secure channel: none (plain APDUs)' : `secure channel: ${sc.protocol} with ${sc.device} (${sc.chain})`,
    );
  },
};
