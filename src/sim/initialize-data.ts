import { SW } from '../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../apdu/tlv.ts';
import { CardStatus } from './card-status.ts';
import { PIN_LIMITS } from './constants.ts';

/** INITIALIZE DEVICE parameters (§3.9). */
export interface InitParams {
  options: number;
  userPin: Uint8Array;
  soPin: Uint8Array;
  retries: number;
  shares: number | undefined;
  /** Tag 93: public key authentication, n keys to register of which m must authenticate (§3.20). */
  pka: { total: number; required: number } | undefined;
  /** Tag 97: number of key domain slots (1..255); absent = the single domain 0 (§3.10). */
  keyDomains: number | undefined;
}

/**
 * The TLVs of INITIALIZE DEVICE, validated: 80 options (2 bytes, default 0), 81 user PIN 6..16, 82
 * SO-PIN 8 bytes, 91 retries 1..15 (default 3), 92 share count, 93 n‖m public key authentication
 * (1 ≤ m ≤ n ≤ 90, sc-hsm-tool's limits), 97 number of key domains (1 byte, 1..255); malformed or
 * out of range → 6A80. Other tags (95/96) are accepted and unused.
 */
export function parseInitData(data: Uint8Array): InitParams {
  let tlvs: Tlv[];
  try {
    tlvs = decodeTlvs(data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'malformed TLV');
  }
  const get = (tag: number): Uint8Array | undefined => tlvs.find((t) => t.tag === tag)?.value;
  const options = get(0x80);
  const userPin = get(0x81);
  const soPin = get(0x82);
  const retries = get(0x91);
  const shares = get(0x92);
  const bad = (ok: boolean): void => {
    if (!ok) throw new CardStatus(SW.INCORRECT_DATA);
  };
  bad(options === undefined || options.length === 2);
  bad(userPin !== undefined && userPin.length >= PIN_LIMITS.USER_MIN && userPin.length <= PIN_LIMITS.USER_MAX);
  bad(soPin !== undefined && soPin.length === PIN_LIMITS.SO_LENGTH);
  bad(retries === undefined || (retries.length === 1 && (retries[0] ?? 0) >= 1 && (retries[0] ?? 0) <= PIN_LIMITS.USER_TRIES_MAX));
  bad(shares === undefined || shares.length === 1);
  const domains = get(0x97);
  bad(domains === undefined || (domains.length === 1 && (domains[0] ?? 0) >= 1));
  const pka = get(0x93);
  const [total = 0, required = 0] = pka ?? [];
  bad(pka === undefined || (pka.length === 2 && total >= 1 && total <= 90 && required >= 1 && required <= total));
  return {
    options: options === undefined ? 0 : ((options[0] ?? 0) << 8) | (options[1] ?? 0),
    userPin: Uint8Array.from(userPin ?? []),
    soPin: Uint8Array.from(soPin ?? []),
    retries: retries?.[0] ?? PIN_LIMITS.USER_TRIES_DEFAULT,
    shares: shares?.[0],
    pka: pka === undefined ? undefined : { total, required },
    keyDomains: domains?.[0],
  };
}
