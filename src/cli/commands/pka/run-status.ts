import { publicKeyAuthenticationStatus, type PkaStatus } from '../../../card/commands/public-key-authentication.ts';
import { CardError } from '../../../card/errors.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';

/** One line for people: "3 public keys (1 still to register), 2 must authenticate, 0 authenticated". */
export function describePka(s: PkaStatus): string {
  const missing = s.missing > 0 ? ` (${s.missing} still to register)` : ' (all registered)';
  return `${s.total} public key(s)${missing}, ${s.required} must authenticate, ${s.authenticated} authenticated in this session`;
}

/** PKA status or undefined when the device is not initialised for it (6D00, as sc-hsm-tool reads it). */
export async function pkaStatusOrUndefined(card: Parameters<typeof publicKeyAuthenticationStatus>[0]): Promise<PkaStatus | undefined> {
  try {
    return await publicKeyAuthenticationStatus(card);
  } catch (err) {
    if (err instanceof CardError && err.sw === 0x6d00) return undefined;
    throw err;
  }
}

/** `schsm pka status`: `80 54 00 00 00` (§3.20). Exit 1 when the device does not use public key authentication. */
export async function runPkaStatus(args: CardArgs, ctx: CliContext): Promise<number> {
  const status = await withCard(args, ctx, pkaStatusOrUndefined);
  if (args.json === true) printJson(ctx, status === undefined ? { enabled: false } : { enabled: true, ...status });
  else if (status === undefined)
    line(ctx.stdout, 'Public key authentication: not enabled (initialise with `schsm init --pka TOTAL:REQUIRED`)');
  else line(ctx.stdout, `Public key authentication: ${describePka(status)}`);
  return status === undefined ? EXIT.FAILED : EXIT.OK;
}
