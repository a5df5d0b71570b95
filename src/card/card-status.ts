/**
 * The aggregate device status behind `SmartCardHsm.status()` (§12.1 step 2): PIN states, DKEK,
 * options, version, serial and key count — without ever using up a PIN try.
 */
import { SW } from '../apdu/status-words.ts';
import { FID, FID_PREFIX, OPTION_NAMES, PIN_REF } from './constants.ts';
import { deviceChrOf, parseDeviceCertificates, serialOfChr } from './device-identity.ts';
import { CardError } from './errors.ts';
import { CvcError } from './host-errors.ts';
import { enumerateObjects } from './commands/enumerate-objects.ts';
import { queryDkekStatus, type DkekStatus } from './commands/import-dkek-share.ts';
import { pinStatus, type PinStatus } from './commands/verify-pin.ts';
import { readFileIfExists } from './files.ts';
import type { AppletInfo } from './commands/select-applet.ts';
import type { CardSession } from './session.ts';

export interface DecodedOptions {
  /** The option word of INITIALIZE tag 80 / SELECT tag 85. */
  readonly value: number;
  /** Names of the bits that are set (unknown bits as "bit 0x0100"). */
  readonly flags: readonly string[];
}

export interface CardStatus {
  /** false only when the user PIN and SO-PIN are both unset (VERIFY status 6A88, §7). */
  readonly initialized: boolean;
  readonly userPin: PinStatus;
  readonly soPin: PinStatus;
  /** undefined when the device has no DKEK (or the query is not supported). */
  readonly dkek: DkekStatus | undefined;
  readonly options: DecodedOptions | undefined;
  readonly version: { readonly major: number; readonly minor: number };
  readonly appletType: string;
  /** Device serial = device CHR minus its 5-digit sequence (§10); undefined without EF 2F02. */
  readonly serial: string | undefined;
  readonly deviceChr: string | undefined;
  /** Content of EF 2F02 as read for the serial (device CVC ‖ issuer CVC on a CardContact card); undefined without it. */
  readonly deviceCertificates: Uint8Array | undefined;
  /** Number of keys besides the device key CC00. */
  readonly keyCount: number;
}

/** Option word → named flags (§3.9). */
export function decodeOptions(value: number): DecodedOptions {
  const flags: string[] = [];
  for (let bit = 1; bit <= 0x8000; bit <<= 1) {
    if ((value & bit) !== 0) flags.push(OPTION_NAMES[bit] ?? `bit 0x${bit.toString(16).padStart(4, '0')}`);
  }
  return { value, flags };
}

/** EF 2F02 (device CVC ‖ issuer CVC); undefined when the EF does not exist. */
export function readDeviceCertificates(card: CardSession): Promise<Uint8Array | undefined> {
  return readFileIfExists(card, FID.C_DEV_AUT);
}

/**
 * The holder of the first certificate or CV request in EF 2F02 (read liberally: other implementations
 * put an authenticated request first, device-identity.ts); undefined when there is none or it does not
 * decode (`schsm status` reports why).
 */
function chrOf(certificates: Uint8Array | undefined): string | undefined {
  if (certificates === undefined) return undefined;
  try {
    return deviceChrOf(parseDeviceCertificates(certificates));
  } catch (err) {
    if (err instanceof CvcError) return undefined;
    throw err;
  }
}

/** Device CHR from EF 2F02 (first CVC or request); undefined when the EF does not exist or does not decode. */
export async function readDeviceChr(card: CardSession): Promise<string | undefined> {
  return chrOf(await readDeviceCertificates(card));
}

/**
 * Answers to the DKEK query that mean "this device has no DKEK": 6D00 (CardContact, sc-hsm-tool's
 * reading), 6B00 (the independent Pico HSM card when uninitialised), 6A88, 6985.
 */
export const NO_DKEK_SW: ReadonlySet<number> = new Set([
  SW.INS_NOT_SUPPORTED,
  SW.WRONG_P1P2,
  SW.REFERENCED_DATA_NOT_FOUND,
  SW.CONDITIONS_OF_USE_NOT_SATISFIED,
]);

/**
 * The DKEK query `80 52 00 <domain> 00`, undefined when the device answers that it has no DKEK there
 * (NO_DKEK_SW; for a key domain also 6A86, beyond the device's domains).
 */
export async function queryDkekStatusIfAny(card: CardSession, domain = 0): Promise<DkekStatus | undefined> {
  try {
    return await queryDkekStatus(card, domain);
  } catch (err) {
    if (err instanceof CardError && (NO_DKEK_SW.has(err.sw) || (domain !== 0 && err.sw === SW.INCORRECT_P1P2))) return undefined;
    throw err;
  }
}

/** Initialised unless the user PIN and the SO-PIN both answer 6A88 (§7). */
function initializedFrom(userPin: PinStatus, soPin: PinStatus): boolean {
  return !(userPin.state === 'not-initialized' && soPin.state === 'not-initialized');
}

/** Has the device been initialised? Just the two VERIFY status queries `00 20 00 81|88` (no try spent, §3.6). */
export async function isInitialized(card: CardSession): Promise<boolean> {
  return initializedFrom(await pinStatus(card, PIN_REF.USER), await pinStatus(card, PIN_REF.SO));
}

/** Query everything; sends only status queries and reads (VERIFY without data, 80 52 query, READ, ENUMERATE). */
export async function readCardStatus(card: CardSession, applet: AppletInfo): Promise<CardStatus> {
  const userPin = await pinStatus(card, PIN_REF.USER);
  const soPin = await pinStatus(card, PIN_REF.SO);
  const dkek = await queryDkekStatusIfAny(card);
  const deviceCertificates = await readDeviceCertificates(card);
  const deviceChr = chrOf(deviceCertificates);
  const objects = await enumerateObjects(card);
  return {
    initialized: initializedFrom(userPin, soPin),
    userPin,
    soPin,
    dkek,
    options: applet.options === undefined ? undefined : decodeOptions(applet.options),
    version: applet.version,
    appletType: applet.typeName,
    serial: serialOfChr(deviceChr),
    deviceChr,
    deviceCertificates,
    keyCount: objects.filter((fid) => fid >> 8 === FID_PREFIX.KEY && (fid & 0xff) !== 0).length,
  };
}
