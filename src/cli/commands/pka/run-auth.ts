import { readDeviceChr } from '../../../card/card-status.ts';
import { authenticateWithKey, type PkaAuthentication } from '../../../card/pka.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withCardAt, withDeviceAt, type CardArgs } from '../../card-session.ts';
import { cardSource } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { guardPinAttempt } from '../../../card/pin-guard.ts';
import { PIN_REF } from '../../../card/constants.ts';
import { guardOptions, userPinSpec, verifyUserPin } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef } from '../keys/key-ref.ts';
import { describePka } from './run-status.ts';

export interface PkaAuthArgs extends CardArgs {
  readonly with: readonly string[];
  readonly withPinEnv?: readonly string[] | undefined;
  readonly key?: readonly number[] | undefined;
}

interface Custodian {
  readonly reader: string;
  readonly pinEnv: string | undefined;
  readonly ref: number | undefined;
}

/** --with / --with-pin-env / --key, paired by position; the target must be named and differ from every custodian. */
function custodians(args: PkaAuthArgs): Custodian[] {
  const target = args.reader;
  if (target === undefined || target === '')
    throw new UsageError('pka auth needs --reader: the device to authenticate (each --with names a device holding a registered key)');
  const list = args.with.map((reader, i) => ({
    reader,
    pinEnv: args.withPinEnv?.[i],
    ref: args.key?.[i] === undefined ? undefined : keyRef(args.key[i] ?? 0),
  }));
  if ((args.withPinEnv?.length ?? 0) > list.length || (args.key?.length ?? 0) > list.length)
    throw new UsageError('give at most one --with-pin-env and one --key per --with, in the same order');
  for (const c of list)
    if (c.reader === target)
      throw new UsageError(`--with ${c.reader} is the device to authenticate itself: a key must come from ANOTHER device`);
  if (new Set(list.map((c) => c.reader)).size !== list.length) throw new UsageError('each --with device may appear once');
  return list;
}

async function oneCustodian(ctx: CliContext, target: SmartCardHsm, c: Custodian, args: PkaAuthArgs): Promise<PkaAuthentication> {
  return withDeviceAt(
    ctx,
    { reader: c.reader },
    async (holder) => {
      const [holderChr, targetChr] = [await readDeviceChr(holder), await readDeviceChr(target)];
      if (holderChr !== undefined && holderChr === targetChr)
        throw new UsageError(`--with ${c.reader} is the device to authenticate (${holderChr}): a key must come from ANOTHER device`);
      const secrets = new SecretReader(ctx);
      await guardPinAttempt(holder, PIN_REF.USER, guardOptions(args));
      const pin = await secrets.read({ ...userPinSpec({ pinEnv: c.pinEnv }), what: `user PIN of the key holder in ${c.reader}` });
      return holder.exclusive(async () => {
        await verifyUserPin(holder, pin, args);
        return authenticateWithKey(target, holder, c.ref);
      });
    },
    guardOptions(args),
    'key holder',
  );
}

/**
 * `schsm pka auth --reader TARGET --with HOLDER…`: for each key holder, MSE SET AT with its key's CHR on
 * the target, GET CHALLENGE, SIGN on the holder's device (its user PIN), EXTERNAL AUTHENTICATE (§3.20).
 * The target stays open (one session) across all holders; exit 0 when the required number authenticated.
 */
export async function runPkaAuth(args: PkaAuthArgs, ctx: CliContext): Promise<number> {
  const list = custodians(args);
  const results: { reader: string; result: PkaAuthentication }[] = [];
  const { record: _r, ...targetSource } = cardSource(args);
  await withCardAt(ctx, targetSource, async (target) => {
    for (const c of list) {
      const result = await oneCustodian(ctx, target, c, args);
      results.push({ reader: c.reader, result });
      if (args.json !== true)
        line(ctx.stdout, `key ${result.chr} (key ${result.ref} on ${c.reader}): authenticated — ${describePka(result.status)}`);
    }
  });
  const last = results.at(-1)?.result.status;
  const ok = last !== undefined && last.authenticated >= last.required;
  if (args.json === true)
    printJson(ctx, {
      authenticated: ok,
      keys: results.map((r) => ({ with: r.reader, ref: r.result.ref, chr: r.result.chr })),
      status: last ?? null,
    });
  else
    line(
      ctx.stdout,
      ok
        ? 'the device is authenticated for this card session (it ends when the card is reset or another application selects the applet)'
        : `not enough keys yet: ${last?.authenticated ?? 0} of ${last?.required ?? '?'} required`,
    );
  return ok ? EXIT.OK : EXIT.FAILED;
}
