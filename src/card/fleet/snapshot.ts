/**
 * What `schsm fleet status` (and the explorer's `fleet`) reads of one device, read-only unless asked: SELECT (firmware), the VERIFY
 * status of both PINs (no try spent), the DKEK query (§3.10), EF 2F02/2F03 (serial, label), and per key
 * C4xx/CExx (label, ID, public key; public files, no PIN, §5.1). Only with a PIN source (--pin-env, --pin-stdin)
 * does it log in, to have the card encrypt one zero block with each AES key (aes-kcv.ts), and then
 * also asks the DKEK KCV again if the card hid it before the login.
 */
import { toHex } from '../../apdu/hex.ts';
import type { DkekStatus } from '../commands/import-dkek-share.ts';
import type { PinStatus } from '../commands/verify-pin.ts';
import { spkiDer, spkiFingerprint } from '../formats/public-key.ts';
import { keyTypeText, listKeys, type KeyInfo } from '../keys.ts';
import type { SmartCardHsm } from '../sc-hsm.ts';
import { identifyDevice } from '../identify-device.ts';

/** One key domain's DKEK as the query answers it (domain 0 = the default DKEK every device has). */
export interface DomainKcv {
  readonly domain: number;
  readonly total: number;
  readonly outstanding: number;
  /** SHA-256(DKEK)[0..8] in hex; undefined while incomplete or hidden by the card. */
  readonly kcv: string | undefined;
  readonly kcvHidden: boolean;
}

/** A check value of an AES key computed by the card, or why there is none. */
export type AesCheck =
  | { readonly kind: 'value'; readonly method: 'aes-cbc-zero-block' | 'cmac-zero-block'; readonly value: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface FleetKey {
  readonly ref: number;
  /** How keys are matched across devices: `id:<hex>`, else `label:<text>`, else `ref:<n>`. */
  readonly match: string;
  readonly type: string;
  readonly label: string | undefined;
  readonly id: string | undefined;
  /** SHA-256 of the SubjectPublicKeyInfo (asymmetric keys with a CExx). */
  readonly fingerprint: string | undefined;
  readonly aes: AesCheck | undefined;
}

export interface DeviceSnapshot {
  /** `local`, or the --socket label the device was reached through. */
  readonly host: string;
  readonly reader: string;
  readonly serial: string | undefined;
  readonly label: string | undefined;
  readonly firmware: string;
  readonly initialized: boolean;
  readonly userPin: PinStatus;
  readonly soPin: PinStatus;
  /** Key domain 0 only until the driver knows key domains (§3.10 P2); undefined: no DKEK. */
  readonly domains: readonly DomainKcv[] | undefined;
  readonly keys: readonly FleetKey[];
}

/** Reads the AES check values (and a hidden KCV again) after VERIFY; undefined: not asked for. */
export type LoggedInReader = (card: SmartCardHsm, aesRefs: readonly number[]) => Promise<LoginResult>;

export interface LoginResult {
  readonly aes: ReadonlyMap<number, AesCheck>;
  /** The DKEK query after the login. */
  readonly dkek: DkekStatus | undefined;
}

export function domainOf(d: DkekStatus, domain = 0): DomainKcv {
  const shown = d.outstanding === 0 && !d.kcvHidden;
  return { domain, total: d.total, outstanding: d.outstanding, kcv: shown ? d.kcv : undefined, kcvHidden: d.kcvHidden };
}

function matchOf(k: KeyInfo): string {
  if (k.id !== undefined && k.id.length > 0) return `id:${toHex(k.id).toLowerCase()}`;
  if (k.label !== undefined) return `label:${k.label}`;
  return `ref:${k.ref}`;
}

/** How the CLI is given the user PIN, for "not computed"/"not verified" texts (the explorer names the CLI instead). */
export const CLI_LOGIN_HINT = '--pin-env VAR or --pin-stdin';

function fleetKey(k: KeyInfo, aes: ReadonlyMap<number, AesCheck> | undefined, loginHint: string): FleetKey {
  const noPin: AesCheck = { kind: 'none', reason: `not computed (the card needs the user PIN: ${loginHint})` };
  return {
    ref: k.ref,
    match: matchOf(k),
    type: keyTypeText(k),
    label: k.label,
    id: k.id === undefined ? undefined : toHex(k.id).toLowerCase(),
    fingerprint: k.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(k.publicKey)),
    aes: k.kind === 'aes' ? (aes?.get(k.ref) ?? noPin) : undefined,
  };
}

/** Two keys of one device with the same ID (or label) are matched as `id:…`, `id:…#2`, … in reference order. */
function unique(keys: readonly FleetKey[]): FleetKey[] {
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = (seen.get(k.match) ?? 0) + 1;
    seen.set(k.match, n);
    return n === 1 ? k : { ...k, match: `${k.match}#${n}` };
  });
}

/**
 * Read one device; `loggedIn` (given a PIN source) logs in and computes the AES check values. Without
 * it nothing changes the PIN state: no VERIFY with a PIN, no SELECT of the applet (`card` stays as the
 * caller left it, logged in or not). `loginHint` says how a PIN would be given (in the reasons shown).
 */
export async function readSnapshot(
  card: SmartCardHsm,
  host: string,
  loggedIn?: LoggedInReader,
  loginHint = CLI_LOGIN_HINT,
): Promise<DeviceSnapshot> {
  const status = await card.status();
  const id = await identifyDevice(card);
  const keys = status.initialized ? await listKeys(card) : [];
  let dkek = status.dkek;
  let aes: ReadonlyMap<number, AesCheck> | undefined;
  const aesRefs = keys.filter((k) => k.kind === 'aes').map((k) => k.ref);
  if (loggedIn !== undefined && status.initialized && (aesRefs.length > 0 || dkek?.kcvHidden === true)) {
    const after = await loggedIn(card, aesRefs);
    aes = after.aes;
    dkek = after.dkek ?? dkek;
  }
  return {
    host,
    reader: card.transport.name,
    serial: status.serial ?? id.serial,
    label: id.label,
    firmware: `${status.version.major}.${status.version.minor}`,
    initialized: status.initialized,
    userPin: status.userPin,
    soPin: status.soPin,
    domains: dkek === undefined ? undefined : [domainOf(dkek)],
    keys: unique(keys.map((k) => fleetKey(k, aes, loginHint))),
  };
}
