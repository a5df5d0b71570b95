import { concat, u16 } from '../../apdu/hex.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { CLA, INS, OPTION } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import { encodeSoPin, encodeUserPin, type PinInput } from '../pin.ts';
import type { CardSession } from '../session.ts';

export interface InitializeDeviceOptions {
  /** Must be `true`: INITIALIZE wipes every key and file (§3.9). */
  readonly confirm: true;
  /** SO-PIN / initialization code, 16 hex digits. On a re-initialisation it must be the current one. */
  readonly soPin: PinInput;
  /** Initial user PIN, 6..16 characters. */
  readonly userPin: PinInput;
  /** Option word (tag 80); default 0x0001 (reset retry counter enabled), as sc-hsm-tool sends (§3.9). */
  readonly options?: number;
  /** User PIN retry counter (tag 91), 1..10 (sc-hsm-tool's limit, §7); default 3. */
  readonly retryCounter?: number;
  /** Number of DKEK shares (tag 92): 0 = the card makes a random DKEK; omit for no DKEK. */
  readonly dkekShares?: number;
  /** Public key authentication: N registered keys, M required (tag 93). */
  readonly publicKeyAuth?: { readonly total: number; readonly required: number };
  /** Number of key domains (tag 97, 1..255): domain slots 0..N-1, each created with createDkekKeyDomain (§3.10). */
  readonly keyDomains?: number;
  /** Re-initialise even on the SO-PIN's last try (a wrong SO-PIN would block it for good): apdu/guard.ts. */
  readonly allowLastTry?: boolean;
}

function byteIn(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new InvalidArgumentError(`${name} must be ${lo}..${hi}, got ${v}`);
  return v;
}

/** The INITIALIZE data field in OpenSC's order: 80 | 81 | 82 | 91 | [92] | [93], then [97] (§3.9, §11.1). */
export function encodeInitializeData(o: Omit<InitializeDeviceOptions, 'confirm' | 'allowLastTry'>): Uint8Array {
  const parts = [
    encodeTlv(0x80, u16(o.options ?? OPTION.RESET_RETRY_COUNTER_ENABLED)),
    encodeTlv(0x81, encodeUserPin(o.userPin, 'initial user PIN')),
    encodeTlv(0x82, encodeSoPin(o.soPin)),
    encodeTlv(0x91, Uint8Array.of(byteIn('retry counter', o.retryCounter ?? 3, 1, 10))),
  ];
  if (o.dkekShares !== undefined) parts.push(encodeTlv(0x92, Uint8Array.of(byteIn('DKEK shares', o.dkekShares, 0, 255))));
  if (o.publicKeyAuth !== undefined) {
    const { total, required } = o.publicKeyAuth;
    parts.push(encodeTlv(0x93, Uint8Array.of(byteIn('PKA keys', total, 1, 90), byteIn('PKA required', required, 1, total))));
  }
  if (o.keyDomains !== undefined) parts.push(encodeTlv(0x97, Uint8Array.of(byteIn('key domains', o.keyDomains, 1, 255))));
  return concat(...parts);
}

/**
 * INITIALIZE DEVICE `80 50 00 00 Lc <TLVs>` (case 3, §3.9). §11.1: SO-PIN 3537363231383830, PIN 648219,
 * 1 DKEK share → `80 50 00 00 1C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101`.
 * Wipes all keys and files except the device identity. A wrong SO-PIN on re-initialisation is
 * InitializationCodeError. `confirm: true` is the erase confirmation the channel's guard asks for; the
 * guard also refuses on the SO-PIN's last try (LastPinTryError) unless `allowLastTry`.
 */
export async function initializeDevice(card: CardSession, options: InitializeDeviceOptions): Promise<void> {
  if (options.confirm !== true)
    throw new InvalidArgumentError('INITIALIZE DEVICE needs confirm: true', 'it erases every key and file on the device');
  const data = encodeInitializeData(options);
  await card.send(
    { cla: CLA.PROPRIETARY, ins: INS.INITIALIZE_DEVICE, p1: 0, p2: 0, data },
    { operation: 'INITIALIZE DEVICE', confirmErase: true, ...(options.allowLastTry === true ? { allowLastTry: true } : {}) },
  );
}
