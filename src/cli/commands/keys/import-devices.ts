/**
 * The devices `keys import` writes to (--reader, repeated): all opened at once and named on stderr
 * before any secret is asked; then each checked without spending anything — a complete DKEK and its
 * KCV, the key reference free (or --replace), the user PIN not blocked nor on its last try.
 */
import { readDeviceChr } from '../../../card/card-status.ts';
import { queryDkekStatus } from '../../../card/commands/import-dkek-share.ts';
import { FID, PIN_REF } from '../../../card/constants.ts';
import { NotSupportedError } from '../../../card/errors.ts';
import { readFileIfExists } from '../../../card/files.ts';
import { occupiedObjects } from '../../../card/key-backup.ts';
import { freeKeyReference, keyReferences } from '../../../card/keys.ts';
import { guardPinAttempt } from '../../../card/pin-guard.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { decodeTokenLabel } from '../../../card/token-info.ts';
import { withDeviceAt } from '../../card-session.ts';
import { line, type CardSource, type CliContext } from '../../context.ts';
import { RefusedError } from '../../exit-codes.ts';

/** Open every source (nested, so all stay connected) and run `fn` with the cards in order. */
export async function withDevices<T>(
  ctx: CliContext,
  sources: readonly CardSource[],
  fn: (cards: SmartCardHsm[]) => Promise<T>,
  policy: { readonly allowLastTry?: boolean | undefined } = {},
): Promise<T> {
  const open = async (i: number, cards: SmartCardHsm[]): Promise<T> => {
    const source = sources[i];
    if (source === undefined) return fn(cards);
    return withDeviceAt(ctx, source, (card) => open(i + 1, [...cards, card]), policy, `device ${i + 1} of ${sources.length}`);
  };
  return open(0, []);
}

export interface ImportDevice {
  readonly card: SmartCardHsm;
  /** `SmartCard-HSM UTSM0001234 "HSM A" in Virtual PCD 00 00`. */
  readonly name: string;
  readonly reader: string;
  readonly serial: string | undefined;
  readonly kcv: string;
  /** The key reference the key goes to on this device. */
  readonly ref: number;
  /** What --replace deletes first (CCxx, C4xx, CExx that exist). */
  readonly replaces: readonly string[];
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** Reader, serial (device CHR without its 5-digit sequence, §10) and token label (EF 2F03), read-only. */
export async function deviceName(card: SmartCardHsm): Promise<{ name: string; serial: string | undefined }> {
  const chr = await optional(() => readDeviceChr(card));
  const serial = chr !== undefined && chr.length > 5 ? chr.slice(0, -5) : undefined;
  const info = await optional(() => readFileIfExists(card, FID.TOKEN_INFO));
  const label = info === undefined ? undefined : await optional(async () => decodeTokenLabel(info));
  const text = `SmartCard-HSM ${serial ?? '(serial unknown)'}${label === undefined ? '' : ` ${JSON.stringify(label)}`} in ${card.transport.name}`;
  return { name: text, serial };
}

async function dkekKcvOf(card: SmartCardHsm, name: string): Promise<string> {
  try {
    const d = await queryDkekStatus(card);
    if (d.outstanding > 0)
      throw new RefusedError(
        `${name}: its DKEK is incomplete (${d.outstanding} of ${d.total} share(s) missing)`,
        'import the shares first: schsm dkek import-share',
      );
    return d.kcv;
  } catch (err) {
    if (err instanceof NotSupportedError)
      throw new RefusedError(
        `${name} has no DKEK: keys cannot be imported into it`,
        'initialise it with --dkek-shares N and import the custodians’ shares',
      );
    throw err;
  }
}

export interface SurveyOptions {
  readonly ref?: number | undefined;
  readonly replace: boolean;
  /** --allow-last-try: the PIN guard lets the last try through. */
  readonly allowLastTry: boolean;
}

/** Name device `index` of `count` on stderr, then check it (no secret asked, nothing written). */
export async function surveyDevice(
  ctx: CliContext,
  card: SmartCardHsm,
  index: number,
  count: number,
  o: SurveyOptions,
): Promise<ImportDevice> {
  const { name, serial } = await deviceName(card);
  line(ctx.stderr, `device${count > 1 ? ` ${index + 1} of ${count}` : ''}: ${name}`);
  const kcv = await dkekKcvOf(card, name);
  const refs = await keyReferences(card);
  const ref = o.ref ?? freeKeyReference(refs);
  const taken = await occupiedObjects(card, ref, refs);
  if (taken.length > 0 && !o.replace)
    throw new RefusedError(
      `${name}: key reference ${ref} is in use (${taken.join(', ')})`,
      'choose a free --ref, or --replace to delete them first',
    );
  await guardPinAttempt(card, PIN_REF.USER, { allowLastTry: o.allowLastTry });
  return { card, name, reader: card.transport.name, serial, kcv, ref, replaces: taken };
}
