/**
 * `schsm init`: --yes or refuse (exit 4, nothing sent); read the SO-PIN (current one when the device is
 * initialised, a new one twice otherwise) and the new user PIN; warn about published example PINs;
 * INITIALIZE DEVICE; with --label VERIFY the new PIN and write TokenInfo to EF 2F03 like OpenSC (§3.9).
 */
import { isInitialized } from '../../../card/card-status.ts';
import { FID, OPTION, PIN_REF } from '../../../card/constants.ts';
import { initializeDevice } from '../../../card/commands/initialize-device.ts';
import { updateBinary } from '../../../card/commands/update-binary.ts';
import { verifyPin } from '../../../card/commands/verify-pin.ts';
import { guardPinAttempt, describePinState } from '../../../card/pin-guard.ts';
import { pinStatus } from '../../../card/commands/verify-pin.ts';
import { maxRetryCounter, weakPinReason } from '../../../card/pin-policy.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { encodeTokenInfo, TOKEN_LABEL_MAX } from '../../../card/token-info.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { guardOptions, userPinSpec, validateSoPin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { readStatusReport, formatStatus } from '../status/run.ts';

export interface InitArgs extends CardArgs, PinArgs {
  readonly yes?: boolean;
  readonly soPin?: string | undefined;
  readonly soPinEnv?: string | undefined;
  readonly soPinStdin?: boolean;
  readonly dkekShares?: number | undefined;
  readonly retryCounter?: number;
  readonly label?: string | undefined;
  readonly sessionPin?: boolean;
  readonly transportPin?: boolean;
  readonly pka?: string | undefined;
  readonly keyDomains?: number | undefined;
}

/** `--pka TOTAL:REQUIRED` → INITIALIZE tag 93 (§3.20); sc-hsm-tool's limits 1 ≤ REQUIRED ≤ TOTAL ≤ 90. */
export function parsePkaOption(value: string | undefined): { total: number; required: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d{1,2})\s*:\s*(\d{1,2})\s*$/.exec(value);
  const total = Number(m?.[1]);
  const required = Number(m?.[2]);
  if (m === null || total < 1 || total > 90 || required < 1 || required > total)
    throw new UsageError(
      `--pka must be TOTAL:REQUIRED with 1 ≤ REQUIRED ≤ TOTAL ≤ 90, got ${JSON.stringify(value)}`,
      'e.g. --pka 3:2: three keys registered, two must authenticate',
    );
  return { total, required };
}

const SO_PIN_HINT = 'the SO-PIN is 16 hexadecimal digits (8 bytes), e.g. generated with `openssl rand -hex 8`';

function checkNumbers(args: InitArgs): void {
  const rc = args.retryCounter ?? 3;
  if (!Number.isInteger(rc) || rc < 1 || rc > 10) throw new UsageError(`--retry-counter must be 1..10, got ${rc}`);
  const n = args.dkekShares;
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 255)) throw new UsageError(`--dkek-shares must be 0..255, got ${n}`);
  const kd = args.keyDomains;
  if (kd !== undefined && (!Number.isInteger(kd) || kd < 1 || kd > 255)) throw new UsageError(`--key-domains must be 1..255, got ${kd}`);
  if (args.label !== undefined && (args.label === '' || new TextEncoder().encode(args.label).length > TOKEN_LABEL_MAX)) {
    throw new UsageError(`--label must be 1..${TOKEN_LABEL_MAX} bytes`);
  }
  if (args.label !== undefined && args.transportPin === true)
    throw new UsageError(
      '--label cannot be combined with --transport-pin',
      'writing the label needs a login, which a transport PIN prevents until it is changed; leave --label out',
    );
}

/**
 * Option word of INITIALIZE tag 80 (§3.9): RESET RETRY COUNTER enabled (the default, as sc-hsm-tool),
 * plus 0x0002 transport PIN and 0x0004 session PIN (§3.21) on request.
 */
function optionsWord(args: InitArgs): number {
  return (
    OPTION.RESET_RETRY_COUNTER_ENABLED |
    (args.transportPin === true ? OPTION.TRANSPORT_PIN : 0) |
    (args.sessionPin === true ? OPTION.SESSION_PIN : 0)
  );
}

interface Secrets {
  readonly soPin: string;
  readonly userPin: string;
}

async function readSecrets(ctx: CliContext, args: InitArgs, reinit: boolean): Promise<Secrets> {
  const reader = new SecretReader(ctx);
  const soPin = await reader.read({
    what: reinit ? 'current SO-PIN (16 hex digits)' : 'new SO-PIN (16 hex digits)',
    envVar: args.soPinEnv,
    stdin: args.soPinStdin === true,
    literal: args.soPin,
    literalFlag: '--so-pin',
    flags: '--so-pin-env VAR or --so-pin-stdin',
    confirm: !reinit,
    validate: (v) => validateSoPin(v, SO_PIN_HINT),
  });
  const userPin = await reader.read({
    ...userPinSpec(args, 'new user PIN'),
    stdin: args.pinStdin === true || args.soPinStdin === true,
    confirm: true,
  });
  const rc = args.retryCounter ?? 3;
  if (rc > maxRetryCounter(userPin.length)) {
    throw new UsageError(
      `--retry-counter ${rc} is too many guesses for a ${userPin.length}-character PIN (at most ${maxRetryCounter(userPin.length)})`,
      'use a longer PIN or a smaller retry counter (sc-hsm-tool applies the same rule)',
    );
  }
  return { soPin, userPin };
}

function warnWeak(ctx: CliContext, s: Secrets, reinit: boolean): void {
  const reasons = [reinit ? undefined : weakPinReason(PIN_REF.SO, s.soPin), weakPinReason(PIN_REF.USER, s.userPin)];
  for (const r of reasons) if (r !== undefined) line(ctx.stderr, `warning: ${r}`);
}

async function initialise(card: SmartCardHsm, args: InitArgs, s: Secrets): Promise<void> {
  const pka = parsePkaOption(args.pka);
  await card.exclusive(async () => {
    // the channel's guard asks the SO-PIN's tries right before INITIALIZE DEVICE (apdu/guard.ts)
    await initializeDevice(card, {
      confirm: true,
      ...guardOptions(args),
      soPin: s.soPin,
      userPin: s.userPin,
      retryCounter: args.retryCounter ?? 3,
      options: optionsWord(args),
      ...(args.dkekShares === undefined ? {} : { dkekShares: args.dkekShares }),
      ...(pka === undefined ? {} : { publicKeyAuth: pka }),
      ...(args.keyDomains === undefined ? {} : { keyDomains: args.keyDomains }),
    });
    if (args.label !== undefined) {
      await verifyPin(card, { pin: s.userPin });
      await updateBinary(card, FID.TOKEN_INFO, encodeTokenInfo(args.label));
    }
  });
}

async function reportSoTries(ctx: CliContext, card: SmartCardHsm): Promise<void> {
  try {
    line(ctx.stderr, `SO-PIN: ${describePinState(await pinStatus(card, PIN_REF.SO))}`);
  } catch {
    // the error itself is what matters; the counter is a courtesy
  }
}

export async function runInit(args: InitArgs, ctx: CliContext): Promise<number> {
  if (args.yes !== true) {
    throw new RefusedError(
      'INITIALIZE DEVICE erases every key, certificate and data file on the device',
      'run it again with --yes if that is what you want',
    );
  }
  checkNumbers(args);
  const pka = parsePkaOption(args.pka);
  return withDevice(args, ctx, async (card) => {
    const reinit = await isInitialized(card);
    if (reinit) {
      await guardPinAttempt(card, PIN_REF.SO, guardOptions(args));
      line(ctx.stderr, 'the device is initialised: re-initialising needs its current SO-PIN (the SO-PIN stays the same)');
    }
    const secrets = await readSecrets(ctx, args, reinit);
    warnWeak(ctx, secrets, reinit);
    try {
      await initialise(card, args, secrets);
    } catch (err) {
      if (reinit) await reportSoTries(ctx, card);
      throw err;
    }
    await card.logout(); // re-SELECT: fresh options word (tag 85) and no verified PIN left behind
    const report = await readStatusReport(card);
    if (args.json === true)
      printJson(ctx, {
        initialized: true,
        reinitialized: reinit,
        label: args.label ?? null,
        dkekShares: args.dkekShares ?? null,
        retryCounter: args.retryCounter ?? 3,
        transportPin: args.transportPin === true,
        userPin: report.status.userPin.state,
        pka: pka ?? null,
        keyDomains: args.keyDomains ?? null,
        serial: report.status.serial ?? null,
      });
    else {
      line(ctx.stdout, `device ${report.status.serial ?? ''} ${reinit ? 're-' : ''}initialised`);
      for (const l of formatStatus(report)) line(ctx.stdout, l);
      if (args.dkekShares !== undefined && args.dkekShares > 0)
        line(ctx.stdout, `next: import ${args.dkekShares} DKEK share(s) with \`schsm dkek import-share FILE\``);
      if (args.keyDomains !== undefined)
        line(
          ctx.stdout,
          `next: create key domains 0..${args.keyDomains - 1} with \`schsm domain create --domain N --shares S\`${args.dkekShares === undefined ? '' : ' (domain 0 holds the DKEK of --dkek-shares)'}`,
        );
      if (args.transportPin === true)
        line(
          ctx.stdout,
          'the user PIN is a transport PIN: no key can be used until its holder replaces it with `schsm pin change --allow-last-try` (the card does not say how many tries a transport PIN has left)',
        );
      if (pka !== undefined)
        line(
          ctx.stdout,
          `next: register ${pka.total} public key(s) of other devices with \`schsm pka register FILE\` (${pka.required} must authenticate)`,
        );
    }
    return EXIT.OK;
  });
}
